package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// run is the command: 0 after a normal end or an interrupt, 1 on failure, 2 on
// a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, errUsage) {
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	sim, err := agentsim.New(o.cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := sim.Enroll(ctx); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if o.keysOut != "" {
		if err := writeClientKeys(o.keysOut, sim.Keys()); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if err := sim.Start(ctx); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	waitAndReport(ctx, sim, o, stdout)
	sim.Stop()
	rep := sim.Report()
	if err := printFinal(stdout, rep, o.json); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(o.archives) > 0 {
		counts, err := countArchives(o.archives, o.cfg.NamePrefix)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		printArchives(stdout, counts, rep.EventsSent)
	}
	return 0
}

// waitAndReport prints the report every interval until ctx ends or the run time
// is over.
func waitAndReport(ctx context.Context, sim *agentsim.Sim, o options, stdout io.Writer) {
	var end <-chan time.Time
	if o.duration > 0 {
		timer := time.NewTimer(o.duration)
		defer timer.Stop()
		end = timer.C
	}
	var tick <-chan time.Time
	if o.reportInterval > 0 {
		ticker := time.NewTicker(o.reportInterval)
		defer ticker.Stop()
		tick = ticker.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-end:
			return
		case now := <-tick:
			fmt.Fprintf(stdout, "--- %s\n%s", now.Format(time.RFC3339), sim.Report())
		}
	}
}

func printFinal(w io.Writer, r agentsim.Report, asJSON bool) error {
	if !asJSON {
		_, err := fmt.Fprintf(w, "--- final\n%s", r)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

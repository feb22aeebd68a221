// Command clusterd runs one node of a Wazuh manager cluster, master or worker, speaking the
// Wazuh 4.14 cluster protocol. Its command line is wazuh-clusterd's (-f, -d, -V, -r, -t, -c,
// -h), so that it can take wazuh-clusterd's place in a Wazuh manager's bin/; see README.md
// ("Running a node", "In place of wazuh-clusterd").
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/clusterd/clusterd/node"
	"github.com/clusterd/clusterd/node/process"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	prog := filepath.Base(os.Args[0])
	o, err := parseArgs(prog, args, stderr)
	if err != nil {
		return 2
	}
	if o.help {
		fmt.Fprint(stdout, help(prog))
		return 0
	}
	if o.version {
		fmt.Fprintf(stdout, "clusterd %s (Wazuh cluster protocol %s)\n", node.Version, "4.14")
		return 0
	}
	home, confPath, err := resolvePaths(o)
	if err != nil {
		fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
		return 1
	}

	// As wazuh-clusterd: an invalid configuration is reported before anything else, -t says
	// nothing when it is valid, and a disabled cluster exits 0 at once.
	cfg, err := node.LoadConfig(home, confPath)
	if errors.Is(err, node.ErrClusterDisabled) {
		return 0
	}
	var problems []error
	if err != nil {
		problems = append(problems, err)
	}
	var choice node.ModeChoice
	if err == nil || cfg.Internal.Clusterd.Mode != "" { // cluster.json was read
		var modeProblems []error
		choice, modeProblems = node.ChooseMode(home, o.mode, cfg)
		problems = append(problems, modeProblems...)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			printProblems(stderr, p)
		}
		return 1
	}
	cfg.Warnings = append(cfg.Warnings, choice.Warnings...) // the node logs them too
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "WARNING: %s\n", w)
	}
	if o.test {
		return 0
	}

	if !o.foreground && !process.InBackground() {
		if err := process.Background(); err != nil {
			fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
			return 1
		}
		return 0
	}
	return serve(o, home, cfg, choice, stdout, stderr)
}

// resolvePaths makes the home and the configuration file absolute, before a daemon leaves the
// working directory it was started from.
func resolvePaths(o options) (home, confPath string, err error) {
	home = o.home
	if home == "" {
		home = process.DefaultHome(os.Args[0])
	}
	if home, err = filepath.Abs(home); err != nil {
		return "", "", fmt.Errorf("the home: %w", err)
	}
	if o.conf != "" {
		if confPath, err = filepath.Abs(o.conf); err != nil {
			return "", "", fmt.Errorf("-c: %w", err)
		}
	}
	return home, confPath, nil
}

// serve runs the node in this process: the daemon Background started, or the foreground one.
func serve(o options, home string, cfg node.Config, choice node.ModeChoice, stdout, stderr io.Writer) int {
	// Signals are caught from here on: a SIGTERM (wazuh-control's stop) that comes while the
	// node starts must still stop it in order and remove the pid file.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ready := process.ReadyPipe()
	fail := func(err error) int {
		ready.Failed(err)
		fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
		return 1
	}
	if ready != nil {
		// A daemon keeps no folder busy (wazuh-clusterd's pyDaemon does the same).
		if err := os.Chdir("/"); err != nil {
			return fail(err)
		}
	}
	if err := dropRoot(o, home, choice); err != nil {
		return fail(err)
	}
	if _, err := process.CleanPidFiles(home, os.Getpid()); err != nil {
		return fail(err)
	}
	pid, err := process.WritePidFile(home, os.Getpid())
	if err != nil {
		return fail(err)
	}
	defer func() { _ = pid.Remove() }()
	if o.foreground {
		fmt.Fprintf(stdout, "Starting cluster in foreground (pid: %d)\n", os.Getpid())
	}

	if o.pprof != "" {
		prof, err := node.StartProfiling(o.pprof)
		if err != nil {
			return fail(err)
		}
		defer func() { _ = prof.Close() }()
	}
	n, err := node.New(cfg, node.Options{Home: home, Foreground: o.foreground, Debug: o.debug, Stderr: stderr,
		FaultSeed: o.faultSeed, Mode: choice.Mode, ModeWhy: choice.Why})
	if err != nil {
		return fail(err)
	}
	if err := n.Start(); err != nil {
		n.Logger().Errorf("Could not start: %v", err)
		_ = n.Stop()
		return fail(err)
	}
	ready.Started()
	return waitForSignals(n, sigs, stderr)
}

// dropRoot makes a daemon started as root in Wazuh mode run as the wazuh user and group, as
// wazuh-clusterd does unless -r, before it opens anything: nothing it binds needs root (the
// cluster port is above 1024, the sockets are in folders the wazuh group owns), and what it
// creates is then the wazuh user's, as Wazuh's are. cluster.log, which an earlier run as root
// may have made, is handed over first (wazuh-clusterd does the same). In standalone mode the
// process keeps the user it was started as.
func dropRoot(o options, home string, choice node.ModeChoice) error {
	if choice.Mode != node.ModeWazuh || o.root || os.Geteuid() != 0 {
		return nil
	}
	c, err := process.LookupCredentials(process.WazuhUser, process.WazuhGroup)
	if err != nil {
		return fmt.Errorf("%w; run with -r to stay root", err)
	}
	if err := process.HandOver(c, map[string]os.FileMode{filepath.Join(home, "logs", "cluster.log"): 0o660}); err != nil {
		return err
	}
	return process.Drop(c)
}

// waitForSignals stops the node gracefully on SIGINT or SIGTERM; a second signal exits at once.
func waitForSignals(n *node.Node, sigs <-chan os.Signal, stderr io.Writer) int {
	sig := <-sigs
	n.Logger().Infof("Received %s; shutting down.", sig)
	done := make(chan error, 1)
	go func() { done <- n.Stop() }()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
			return 1
		}
		return 0
	case sig := <-sigs:
		fmt.Fprintf(stderr, "Received %s again; exiting without waiting.\n", sig)
		return 1
	}
}

// printProblems prints each configuration problem on its own line, as -t promises.
func printProblems(w io.Writer, err error) {
	var cerr *node.ConfigError
	if errors.As(err, &cerr) {
		for _, p := range cerr.Problems {
			fmt.Fprintf(w, "ERROR: %v\n", p)
		}
		return
	}
	fmt.Fprintf(w, "ERROR: %v\n", err)
}

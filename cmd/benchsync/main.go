// Command benchsync times a full integrity sync from a clusterd master to an empty clusterd
// worker, both real processes on loopback, over a generated tree: Wazuh ruleset XML varied
// into about a gibibyte of rules and decoders ("text"), or random bytes ("random"). It prints
// one table row per run. deploy/bench-e2e.sh runs it the way docs/benchmarks.md records.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/clusterd/clusterd/node/tool/benchsync"
)

func main() {
	var (
		kind    = flag.String("kind", "text", "tree: text (varied Wazuh ruleset XML) or random (random bytes)")
		sizeMiB = flag.Int64("size", 928, "tree size in MiB")
		minKiB  = flag.Int64("min", 64, "smallest file in KiB")
		maxKiB  = flag.Int64("max", 2048, "largest file in KiB")
		data    = flag.String("data", "var/bench", "folder for the generated trees and the nodes' homes")
		ruleset = flag.String("ruleset", "", "folder of Wazuh ruleset .xml files (text trees)")
		bin     = flag.String("bin", "bin", "folder holding the clusterd binary")
		runs    = flag.Int("runs", 3, "full syncs to run")
		maxZip  = flag.Int64("max-zip-size", 0, "intervals.communication.max_zip_size in bytes (0: Wazuh's 1 GiB)")
		port    = flag.Int("port", 15160, "cluster port (gossip on the next one)")
		timeout = flag.Duration("timeout", 5*time.Minute, "give up a run after this long")
		pprof   = flag.Int("pprof", 0, "serve the master's and the worker's profiles on this local port and the next (0: no)")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kind, *sizeMiB<<20, *minKiB<<10, *maxKiB<<10, *data, *ruleset, *bin, *runs, *maxZip, *port, *timeout, *pprof); err != nil {
		fmt.Fprintln(os.Stderr, "benchsync:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kind string, size, minSize, maxSize int64, data, ruleset, bin string, runs int,
	maxZip int64, port int, timeout time.Duration, pprof int,
) error {
	tag := fmt.Sprintf("%s-%dm", kind, size>>20)
	masterHome := filepath.Join(data, tag, "master")
	workerHome := filepath.Join(data, tag, "worker1")
	marker := filepath.Join(masterHome, ".generated")
	if _, err := os.Stat(marker); err != nil {
		fmt.Printf("generating the %s tree (%d MiB) in %s\n", kind, size>>20, masterHome)
		_ = os.RemoveAll(masterHome)
		var blocks [][]byte
		if kind == "text" {
			if ruleset == "" {
				return fmt.Errorf("a text tree needs -ruleset")
			}
			b, err := benchsync.LoadRuleset(ruleset)
			if err != nil {
				return err
			}
			blocks = b
		}
		t := benchsync.Tree{Kind: kind, Total: size, MinSize: minSize, MaxSize: maxSize, Seed: 1}
		files, total, err := t.Generate(masterHome, blocks)
		if err != nil {
			return err
		}
		fmt.Printf("generated %d files, %d bytes\n", files, total)
		if err := os.WriteFile(marker, nil, 0o640); err != nil {
			return err
		}
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	fmt.Printf("| tree | files | MiB | max_zip_size | full sync | rounds | master CPU | worker CPU |\n|---|---|---|---|---|---|---|---|\n")
	for i := 0; i < runs; i++ {
		if err := os.RemoveAll(workerHome); err != nil {
			return err
		}
		_ = os.RemoveAll(filepath.Join(masterHome, "queue"))
		r := benchsync.Run{Bin: abs(bin), MasterHome: abs(masterHome), WorkerHome: abs(workerHome),
			MaxZipSize: maxZip, Port: port, Timeout: timeout, Log: os.Stderr, Pprof: pprof}
		res, err := r.Do(ctx)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		zip := "1 GiB"
		if maxZip > 0 {
			zip = fmt.Sprintf("%d MiB", maxZip>>20)
		}
		fmt.Printf("| %s | %d | %d | %s | %.2f s | %d | %.2f s | %.2f s |\n", kind, res.Files, res.Bytes>>20, zip,
			res.Sync.Seconds(), res.Rounds, res.MasterCPU.Seconds(), res.WorkerCPU.Seconds())
	}
	return nil
}

// Command benchshape runs Wazuh's cluster benchmark shape with real processes — one clusterd
// master, -workers clusterd workers on their own loopback addresses, -agents simulated agents
// spread over them — and prints the figures Wazuh's release pipeline checks, per phase, beside
// Wazuh's thresholds. deploy/bench-shape.sh runs the shapes docs/benchmarks.md records.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/clusterd/clusterd/node/tool/benchshape"
)

func main() {
	var (
		c       benchshape.Config
		summary string
	)
	flag.IntVar(&c.Workers, "workers", 25, "clusterd workers")
	flag.IntVar(&c.Agents, "agents", 50000, "simulated agents, spread over the workers")
	flag.DurationVar(&c.Steady, "steady", 3*time.Minute, "how long to run once every agent is connected and reported")
	flag.DurationVar(&c.SetupTimeout, "setup-timeout", 15*time.Minute, "give up a wait of the run after this long")
	flag.DurationVar(&c.NotifyTime, "notify", 20*time.Second, "the agents' keepalive period")
	flag.StringVar(&c.Bin, "bin", "bin", "folder holding the clusterd and agentsim binaries")
	flag.StringVar(&c.Data, "data", "var/bench-shape", "folder for the homes and the artifacts (emptied first)")
	flag.StringVar(&c.Net, "net", "127.77", "first two octets of the loopback addresses")
	flag.IntVar(&c.Port, "port", 1516, "cluster port (gossip on the next one)")
	flag.IntVar(&c.Pprof, "pprof", 0, "serve the master's profiles on this local port, worker k's on the k-th after it (0: no)")
	flag.IntVar(&c.OthersNice, "others-nice", 0, "niceness of the workers and agent simulators (0-19), so that the master runs first as on a host of its own")
	flag.StringVar(&summary, "summary", "", "append the run's line of the growth table to this file")
	flag.Parse()
	c.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := benchshape.Run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchshape:", err)
		os.Exit(1)
	}
	res.Print(os.Stdout)
	if summary != "" {
		if err := appendRow(summary, res); err != nil {
			fmt.Fprintln(os.Stderr, "benchshape:", err)
			os.Exit(1)
		}
	}
}

func appendRow(path string, res benchshape.Result) error {
	_, err := os.Stat(path)
	fresh := os.IsNotExist(err)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("open the summary: %w", err)
	}
	if fresh {
		fmt.Fprintln(f, benchshape.RowHeader)
	}
	fmt.Fprintln(f, res.Row())
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the summary: %w", err)
	}
	return nil
}

// Command clusterd runs one node of a Wazuh manager cluster, master or worker, speaking the
// Wazuh 4.14 cluster protocol. Flags follow wazuh-clusterd.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/clusterd/clusterd/node"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// debugLevel counts -d flags, as wazuh-clusterd's repeatable -d.
type debugLevel int

func (d *debugLevel) String() string   { return strconv.Itoa(int(*d)) }
func (d *debugLevel) IsBoolFlag() bool { return true }
func (d *debugLevel) Set(v string) error {
	if b, err := strconv.ParseBool(v); err == nil {
		if b {
			*d++
		}
		return nil
	}
	return fmt.Errorf("-d takes no value")
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clusterd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "/var/ossec", "Wazuh installation folder (WAZUH_HOME)")
	confPath := fs.String("c", "", "ossec.conf to read (default `<home>/etc/ossec.conf`)")
	foreground := fs.Bool("f", false, "run in the foreground: also log to stderr")
	var debug debugLevel
	fs.Var(&debug, "d", "debug logging (repeat, or use -dd, for DEBUG2)")
	dd := fs.Bool("dd", false, "DEBUG2 logging")
	test := fs.Bool("t", false, "test the configuration and exit")
	version := fs.Bool("V", false, "print the version and exit")
	fs.Bool("r", false, "run as root (accepted for compatibility; clusterd never changes user)")
	seed := fs.Int64("fault-seed", 0, "seed of the fault injector (chaos testing)")
	profileAddr := fs.String("pprof", "", "serve Go runtime profiles (net/http/pprof) on `ADDR`, e.g. 127.0.0.1:6060; off by default")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dd {
		debug = 2
	}
	if *version {
		fmt.Fprintf(stdout, "clusterd %s (Wazuh cluster protocol %s)\n", node.Version, "4.14")
		return 0
	}

	cfg, err := node.LoadConfig(*home, *confPath)
	switch {
	case errors.Is(err, node.ErrClusterDisabled):
		if *test {
			fmt.Fprintln(stdout, "Cluster is disabled.")
		}
		return 0
	case err != nil:
		printProblems(stderr, err)
		return 1
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "WARNING: %s\n", w)
	}
	if *test {
		fmt.Fprintln(stdout, "Configuration OK.")
		return 0
	}

	if *profileAddr != "" {
		prof, err := node.StartProfiling(*profileAddr)
		if err != nil {
			fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
			return 1
		}
		defer func() { _ = prof.Close() }()
	}
	n, err := node.New(cfg, node.Options{Home: *home, Foreground: *foreground, Debug: int(debug), Stderr: stderr, FaultSeed: *seed})
	if err != nil {
		fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
		return 1
	}
	if err := n.Start(); err != nil {
		n.Logger().Errorf("Could not start: %v", err)
		fmt.Fprintf(stderr, "CRITICAL: %v\n", err)
		_ = n.Stop()
		return 1
	}
	return waitForSignals(n, stderr)
}

// waitForSignals stops the node gracefully on SIGINT or SIGTERM; a second signal exits at once.
func waitForSignals(n *node.Node, stderr io.Writer) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
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

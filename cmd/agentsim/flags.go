package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/clusterd/clusterd/node/tool/agentsim"
	"github.com/sirupsen/logrus"
)

// options are the command line beyond the simulator configuration.
type options struct {
	cfg            agentsim.Config
	keysFile       string
	keysOut        string
	duration       time.Duration
	reportInterval time.Duration
	json           bool
	archives       []string // archives.log of each node, counted at the end
}

var errUsage = errors.New("usage")

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var (
		o               options
		servers, enroll string
		logLevel        string
		fs              = flag.NewFlagSet("agentsim", flag.ContinueOnError)
	)
	fs.SetOutput(stderr)
	fs.StringVar(&servers, "servers", "", "managers host:port,… in failover order (required)")
	fs.StringVar(&enroll, "enroll", "", "authd host:port,… to enroll agents that have no key")
	fs.StringVar(&o.cfg.EnrollCAFile, "enroll-ca", "", "PEM CA that authd's certificate must chain to (default: not verified)")
	fs.StringVar(&o.keysFile, "keys", "", "client.keys file with pre-enrolled agents")
	fs.StringVar(&o.keysOut, "keys-out", "", "write every agent's key to this client.keys file after enrollment")
	fs.IntVar(&o.cfg.Agents, "agents", 0, "number of agents (default: as many as -keys holds)")
	fs.StringVar(&o.cfg.NamePrefix, "prefix", "agentsim", "name prefix of enrolled agents (<prefix>-00001, …)")
	fs.StringVar(&o.cfg.Groups, "groups", "", "groups requested at enrollment (g1,g2)")
	fs.StringVar(&o.cfg.Version, "version", "v4.14.7", "agent version")
	fs.Float64Var(&o.cfg.EventsPerSecond, "eps", 0, "events per second per agent")
	fs.DurationVar(&o.cfg.NotifyTime, "notify", 20*time.Second, "keepalive period (notify_time)")
	fs.DurationVar(&o.cfg.TimeReconnect, "reconnect", 60*time.Second, "reconnect after this long without a message from the manager (time-reconnect)")
	fs.DurationVar(&o.cfg.RetryInterval, "retry", 10*time.Second, "pause between connection attempts (retry_interval)")
	fs.IntVar(&o.cfg.MaxRetries, "max-retries", 5, "connection attempts on one server before the next (max_retries)")
	fs.IntVar(&o.cfg.BufferSize, "buffer", 5000, "client buffer size in events")
	fs.IntVar(&o.cfg.EnrollConcurrency, "enroll-concurrency", 32, "parallel enrollments")
	fs.IntVar(&o.cfg.ConnectConcurrency, "connect-concurrency", 256, "parallel handshakes (0 = unbounded)")
	fs.DurationVar(&o.duration, "duration", 0, "run time (0 = until interrupted)")
	fs.DurationVar(&o.reportInterval, "report", 10*time.Second, "print the report this often (0 = only at the end)")
	fs.BoolVar(&o.json, "json", false, "print the final report as JSON")
	var archives string
	fs.StringVar(&archives, "archives", "", "archives.log files of the nodes (comma-separated): at the end, count the events they hold")
	fs.StringVar(&logLevel, "log-level", "warning", "log level (debug, info, warning, error)")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fs.Args())
		return o, errUsage
	}
	o.cfg.Servers = splitList(servers)
	o.cfg.EnrollAddrs = splitList(enroll)
	o.archives = splitList(archives)
	if len(o.cfg.Servers) == 0 {
		fmt.Fprintln(stderr, "-servers is required")
		return o, errUsage
	}
	if o.keysFile == "" && len(o.cfg.EnrollAddrs) == 0 {
		fmt.Fprintln(stderr, "give -enroll or -keys")
		return o, errUsage
	}
	level, err := logrus.ParseLevel(logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "-log-level: %v\n", err)
		return o, errUsage
	}
	logger := logrus.New()
	logger.SetOutput(stderr)
	logger.SetLevel(level)
	o.cfg.Log = logrus.NewEntry(logger)
	if o.keysFile != "" {
		f, err := os.Open(o.keysFile)
		if err != nil {
			return o, fmt.Errorf("open keys: %w", err)
		}
		defer f.Close()
		keys, err := agentsim.ParseClientKeys(f)
		if err != nil {
			return o, fmt.Errorf("keys %s: %w", o.keysFile, err)
		}
		o.cfg.Keys = keys
	}
	return o, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

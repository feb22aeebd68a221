package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// Exit statuses of cluster_control.
const (
	exitOK        = 0
	exitFailure   = 1
	exitArguments = 2 // argparse's status for a refused command line
)

// Run is cluster_control: it parses args (without the program name), talks to the node found
// under --home and writes what Wazuh 4.14.7's cluster_control.py writes, returning the exit
// status. prog is the program's base name, used in the help and usage texts.
//
// As in Wazuh, the cluster must answer before anything else is done (-u and the help for a
// missing action included): otherwise "ERROR: Cluster is not running." and status 1. An error
// while carrying out the action is printed as "ERROR: <text>" with status 0, as Python's
// handler does, unless -d was given, where the status is 1.
func Run(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	opts, err := ParseArgs(args)
	if err != nil {
		fmt.Fprint(stderr, usageLine(prog))
		fmt.Fprintf(stderr, "%s: error: %s\n", prog, err)
		return exitArguments
	}
	if opts.Help {
		fmt.Fprint(stdout, HelpText(prog))
		return exitOK
	}

	log := newCLILogger(stderr, opts.Debug)
	client := &Client{SocketPath: SocketPath(opts.Home), Log: log}
	config, err := client.GetConfig(ctx)
	if err != nil {
		if errors.Is(err, ErrNotRunning) {
			log.Error("Cluster is not running.")
		} else {
			log.Error(errorText(err))
		}
		return exitFailure
	}

	var output string
	switch {
	case len(opts.FilterStatus) > 0 && !opts.ListAgents:
		log.Error("Wrong arguments.")
		fmt.Fprint(stdout, UsageText(prog))
		return exitFailure
	case opts.ListAgents:
		var agents AgentsDoc
		if agents, err = client.GetAgents(ctx, opts.FilterStatus, opts.FilterNode); err == nil {
			output = FormatAgents(agents)
		}
	case opts.ListNodes:
		var nodes NodesDoc
		if nodes, err = client.GetNodes(ctx, DefaultNodesArgs(opts.FilterNode)); err == nil {
			output = FormatNodes(nodes)
		}
	case opts.Health != "":
		output, err = health(ctx, client, config.Name, opts)
	case opts.Usage:
		fmt.Fprint(stdout, UsageText(prog))
		return exitOK
	default:
		fmt.Fprint(stdout, HelpText(prog))
		return exitOK
	}

	if err != nil {
		if ctx.Err() != nil {
			return exitOK // interrupted: Python swallows KeyboardInterrupt silently.
		}
		log.Error(errorText(err))
		if opts.Debug {
			return exitFailure
		}
		return exitOK
	}
	fmt.Fprint(stdout, output)
	return exitOK
}

// health is print_health: without -fn it first lists every node, then asks their health.
func health(ctx context.Context, client *Client, clusterName string, opts Options) (string, error) {
	names := opts.FilterNode
	if names == nil {
		nodes, err := client.GetNodes(ctx, DefaultNodesArgs(nil))
		if err != nil {
			return "", err
		}
		names = make([]string, len(nodes.Items))
		for i, n := range nodes.Items {
			names[i] = n.Name
		}
	}
	doc, err := client.GetHealth(ctx, names)
	if err != nil {
		return "", err
	}
	return FormatHealth(doc, clusterName, opts.HealthMore())
}

// errorText is what Python's logging.error(e) prints for err: a Wazuh error's own text, without
// the Go context wrapped around it.
func errorText(err error) string {
	if errors.Is(err, ErrNotRunning) {
		return ErrNotRunning.Error()
	}
	var we *messages.WazuhError
	if errors.As(err, &we) {
		return we.Error()
	}
	var text TextError
	if errors.As(err, &text) {
		return text.Error()
	}
	return err.Error()
}

// newCLILogger logs like cluster_control's logging.basicConfig: "LEVEL: message" on stderr, at
// DEBUG with -d and ERROR otherwise.
func newCLILogger(w io.Writer, debug bool) *logrus.Entry {
	l := logrus.New()
	l.SetOutput(w)
	l.SetFormatter(levelFormatter{})
	l.SetLevel(logrus.ErrorLevel)
	if debug {
		l.SetLevel(logrus.DebugLevel)
	}
	return logrus.NewEntry(l)
}

// levelFormatter renders Python's "%(levelname)s: %(message)s".
type levelFormatter struct{}

func (levelFormatter) Format(e *logrus.Entry) ([]byte, error) {
	return []byte(strings.ToUpper(e.Level.String()) + ": " + e.Message + "\n"), nil
}

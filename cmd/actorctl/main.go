// Command actorctl shows the actor tree of a running clusterd node and can kill one actor (a
// chaos lever: its supervisor brings it back). It talks to the node over
// <home>/queue/cluster/actorctl.sock.
//
//	actorctl [--home DIR] [--json]               the actor tree
//	actorctl [--home DIR] kill [--panic] PATH    stop PATH (or make it fail) and let it restart
//	actorctl [--home DIR] [--json] replication   the replicated master as this node sees it
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/process"
	"github.com/clusterd/clusterd/node/tool/control"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("actorctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", process.DefaultHome(os.Args[0]), "Wazuh installation folder of the node (default: the folder above bin/ when run from an install's bin/, else /var/ossec)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the node")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: actorctl [--home DIR] [--json]\n       actorctl [--home DIR] kill [--panic] PATH\n       actorctl [--home DIR] [--json] replication")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	client := &control.Client{SocketPath: filepath.Join(*home, "queue", "cluster", "actorctl.sock"), Timeout: *timeout}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	rest := fs.Args()
	if len(rest) > 0 && rest[0] == "kill" {
		return kill(ctx, client, rest[1:], stdout, stderr)
	}
	if len(rest) == 1 && rest[0] == "replication" {
		return replication(ctx, client, *asJSON, stdout, stderr)
	}
	if len(rest) > 0 {
		fs.Usage()
		return 2
	}
	payload, err := client.Do(ctx, actors.CmdActors, nil)
	if err != nil {
		return fail(stderr, err)
	}
	if *asJSON {
		fmt.Fprintln(stdout, string(payload))
		return 0
	}
	var reply actors.ActorsReply
	if err := json.Unmarshal(payload, &reply); err != nil {
		return fail(stderr, fmt.Errorf("unreadable answer from the node: %w", err))
	}
	fmt.Fprint(stdout, formatTree(reply))
	return 0
}

func kill(ctx context.Context, client *control.Client, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	panicMode := fs.Bool("panic", false, "make the actor fail on its next message instead of stopping it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: actorctl kill [--panic] PATH")
		return 2
	}
	req := actors.KillRequest{Path: fs.Arg(0), Mode: actors.KillStop}
	if *panicMode {
		req.Mode = actors.KillPanic
	}
	body, _ := json.Marshal(req)
	if _, err := client.Do(ctx, actors.CmdKill, body); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: %s requested\n", req.Path, req.Mode)
	return 0
}

func replication(ctx context.Context, client *control.Client, asJSON bool, stdout, stderr io.Writer) int {
	payload, err := client.Do(ctx, actors.CmdReplication, nil)
	if err != nil {
		return fail(stderr, err)
	}
	if asJSON {
		fmt.Fprintln(stdout, string(payload))
		return 0
	}
	var st actors.ReplicationStatus
	if err := json.Unmarshal(payload, &st); err != nil {
		return fail(stderr, fmt.Errorf("unreadable answer from the node: %w", err))
	}
	fmt.Fprint(stdout, formatReplication(st))
	return 0
}

func fail(stderr io.Writer, err error) int {
	if errors.Is(err, control.ErrNotRunning) {
		fmt.Fprintln(stderr, "ERROR: clusterd is not running (no actorctl.sock).")
		return 1
	}
	fmt.Fprintf(stderr, "ERROR: %v\n", err)
	return 1
}

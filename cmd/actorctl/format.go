package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/tool/control"
)

// formatTree renders the actor tree: each actor indented under its parent, with its figures.
func formatTree(r actors.ActorsReply) string {
	headers := []string{"actor", "state", "uptime", "received", "mailbox", "restarts", "last failure"}
	rows := make([][]string, 0, len(r.Actors))
	for _, a := range r.Actors {
		depth := strings.Count(a.Path, "/")
		name := a.Path[strings.LastIndex(a.Path, "/")+1:]
		failure := ""
		if a.LastFailure != "" {
			failure = fmt.Sprintf("%s (%s ago)", a.LastFailure, time.Since(a.LastFailureAt).Round(time.Second))
		}
		rows = append(rows, []string{
			strings.Repeat("  ", depth) + name,
			a.State,
			(time.Duration(a.UptimeSeconds * float64(time.Second))).Round(time.Second).String(),
			fmt.Sprint(a.Received),
			fmt.Sprint(a.MailboxDepth),
			fmt.Sprint(a.Restarts),
			failure,
		})
	}
	out := fmt.Sprintf("Node %s: %d actors, %d dead letters, fault seed %d\n\n%s\n",
		r.Node, len(r.Actors), r.DeadLetters, r.FaultSeed, control.FormatTable(headers, rows))
	if len(r.Notes) > 0 {
		paths := make([]string, 0, len(r.Notes))
		for p := range r.Notes {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		out += "\nNotes:\n"
		for _, p := range paths {
			out += fmt.Sprintf("  %s: %s\n", p, r.Notes[p])
		}
	}
	return out
}

// formatReplication renders a node's view of the replicated master.
func formatReplication(st actors.ReplicationStatus) string {
	var b strings.Builder
	leader := st.Leader
	if leader == "" {
		leader = "none known"
	}
	fmt.Fprintf(&b, "%s (%s): %s; raft %s, term %d; acting master %s; commit %d, applied %d\n",
		st.Node, st.Address, st.Role, st.Raft, st.Term, leader, st.Commit, st.Applied)
	if len(st.Members) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "MEMBER\tMATCH\tLAG\tACTIVE")
		for _, m := range st.Members {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%v\n", m.Address, m.Match, m.Lag, m.Active)
		}
		_ = tw.Flush()
	}
	return b.String()
}

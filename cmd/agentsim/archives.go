package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// archiveCount is how many of this run's events one node's archive holds.
type archiveCount struct {
	File   string `json:"file"`
	Events int64  `json:"events"`
}

// countArchives counts, in each node's archives.log, the events of agents named prefix-…
// (the simulator's "1:/var/log/sim.log:<name> event <seq>" lines in their analysis form).
func countArchives(files []string, prefix string) ([]archiveCount, error) {
	out := make([]archiveCount, 0, len(files))
	for _, path := range files {
		n, err := countArchive(path, "("+prefix+"-", "->/var/log/sim.log:")
		if err != nil {
			return nil, err
		}
		out = append(out, archiveCount{File: path, Events: n})
	}
	return out, nil
}

func countArchive(path, agent, location string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	var n int64
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadString('\n')
		if strings.Contains(line, agent) && strings.Contains(line, location) {
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("archive %s: %w", path, err)
		}
	}
}

// printArchives prints what the nodes archived next to what the agents sent.
func printArchives(w io.Writer, counts []archiveCount, sent int64) {
	var total int64
	fmt.Fprintln(w, "--- archived on the nodes")
	for _, c := range counts {
		fmt.Fprintf(w, "%-60s %d\n", c.File, c.Events)
		total += c.Events
	}
	fmt.Fprintf(w, "events sent %d, archived %d, not archived %d\n", sent, total, sent-total)
}

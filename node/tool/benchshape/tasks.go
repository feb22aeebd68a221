package benchshape

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"
)

// The tasks whose durations Wazuh's benchmark checks, by the tag of their log lines, and the
// names of its CSV files.
var taskFiles = map[string]string{
	"Integrity check": "integrity_check",
	"Integrity sync":  "integrity_sync",
	"Agent-info sync": "agent-info_sync",
}

// taskOrder is the order of the report.
var taskOrder = []string{"agent-info_sync", "integrity_check", "integrity_sync"}

// task is one finished task of a node.
type task struct {
	at    time.Time
	file  string // "integrity_sync", …
	spent float64
}

const logTime = "2006/01/02 15:04:05"

var finishedLine = regexp.MustCompile(`^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) .*\[(Integrity check|Integrity sync|Agent-info sync)\] Finished in ([0-9.]+)s`)

// readTasks reads a node's cluster.log for the finished tasks.
func readTasks(path string) ([]task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the tasks: %w", err)
	}
	defer f.Close()
	var out []task
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := finishedLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		at, err := time.ParseInLocation(logTime, m[1], time.Local)
		if err != nil {
			continue
		}
		spent, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			continue
		}
		out = append(out, task{at: at, file: taskFiles[m[2]], spent: spent})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the tasks of %s: %w", path, err)
	}
	return out, nil
}

package benchshape

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
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

// readTasks reads the finished tasks from a node's cluster logs: the ones rotated at midnight
// (logs/cluster/<year>/<month>/cluster.log-<day>.gz, oldest first), then cluster.log, so that a
// run across midnight keeps the tasks logged before it.
func readTasks(logsDir string) ([]task, error) {
	rotated, err := filepath.Glob(filepath.Join(logsDir, "cluster", "*", "*", "cluster.log-*.gz"))
	if err != nil {
		return nil, fmt.Errorf("read the tasks: %w", err)
	}
	sort.Slice(rotated, func(i, j int) bool { return modTime(rotated[i]).Before(modTime(rotated[j])) })
	var out []task
	for _, path := range append(rotated, filepath.Join(logsDir, "cluster.log")) {
		if out, err = appendTasks(out, path); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func modTime(path string) time.Time {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// appendTasks appends the finished tasks of one log file, gzip-compressed when its name says so.
func appendTasks(out []task, path string) ([]task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the tasks: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("read the tasks of %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
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

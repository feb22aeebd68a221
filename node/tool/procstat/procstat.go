// Package procstat reads what a process costs from Linux's /proc, the figures Wazuh's own
// cluster benchmark reports for wazuh-clusterd: CPU time, unique set size (the memory only
// this process holds) and open descriptors.
package procstat

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat (sysconf(_SC_CLK_TCK), 100 on Linux).
const userHZ = 100

// CPUTime is the user+system CPU time the process has used.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of %d: %w", pid, err)
	}
	// The command name is in parentheses and may hold spaces: count fields after its ')'.
	end := bytes.LastIndexByte(b, ')')
	if end < 0 || end+2 > len(b) {
		return 0, fmt.Errorf("read the CPU time of %d: no command name in its stat", pid)
	}
	fields := bytes.Fields(b[end+2:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("read the CPU time of %d: %d fields in its stat", pid, len(fields))
	}
	ut, err1 := strconv.ParseInt(string(fields[11]), 10, 64)
	st, err2 := strconv.ParseInt(string(fields[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read the CPU time of %d: utime %q, stime %q", pid, fields[11], fields[12])
	}
	return time.Duration(ut+st) * time.Second / userHZ, nil
}

// USS is the process's unique set size in bytes: its private pages, clean and dirty, as
// psutil's memory_full_info().uss counts them (the figure Wazuh's thresholds are in).
func USS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, fmt.Errorf("read the memory of %d: %w", pid, err)
	}
	defer f.Close()
	var kb int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		for _, field := range [][]byte{[]byte("Private_Clean:"), []byte("Private_Dirty:"), []byte("Private_Hugetlb:")} {
			if bytes.HasPrefix(line, field) {
				if parts := bytes.Fields(line[len(field):]); len(parts) > 0 {
					n, _ := strconv.ParseInt(string(parts[0]), 10, 64)
					kb += n
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read the memory of %d: %w", pid, err)
	}
	return kb << 10, nil
}

// FDs counts the process's open descriptors.
func FDs(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count the descriptors of %d: %w", pid, err)
	}
	return len(entries), nil
}

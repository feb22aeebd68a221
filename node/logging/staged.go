package logging

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A rotated cluster.log waits for its archive job as cluster.log.YYYY-MM-DD, the name Python's
// TimedRotatingFileHandler gives it before Wazuh compresses it; further files for the same day
// (after a clock change, or left by a crash) take a ".N" suffix.
const (
	stagedDayLayout = "2006-01-02"
	maxStagedPerDay = 1000
)

type stagedFile struct {
	path string
	day  time.Time
	seq  int
}

// stage renames cluster.log aside for archiving under the first free name for day.
func (w *rotatingFile) stage(day time.Time) (string, error) {
	base := w.path + "." + day.Format(stagedDayLayout)
	for seq := range maxStagedPerDay {
		name := base
		if seq > 0 {
			name = base + "." + strconv.Itoa(seq)
		}
		_, err := os.Lstat(name)
		if err == nil {
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("rotate %s: %w", w.path, err)
		}
		if err := os.Rename(w.path, name); err != nil {
			return "", fmt.Errorf("rotate %s: %w", w.path, err)
		}
		return name, nil
	}
	return "", fmt.Errorf("rotate %s: %d rotated files of %s already wait for archiving",
		w.path, maxStagedPerDay, day.Format(stagedDayLayout))
}

// findStaged lists the rotated files waiting in logsDir, oldest first.
func findStaged(logsDir string) ([]stagedFile, error) {
	entries, err := os.ReadDir(logsDir)
	if err != nil {
		return nil, fmt.Errorf("list rotated logs: %w", err)
	}
	var staged []stagedFile
	for _, entry := range entries {
		if !entry.Type().IsRegular() {
			continue
		}
		if s, ok := parseStagedName(entry.Name()); ok {
			s.path = filepath.Join(logsDir, entry.Name())
			staged = append(staged, s)
		}
	}
	slices.SortFunc(staged, func(a, b stagedFile) int {
		if c := a.day.Compare(b.day); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	return staged, nil
}

func parseStagedName(name string) (stagedFile, bool) {
	rest, ok := strings.CutPrefix(name, activeFileName+".")
	if !ok || len(rest) < len(stagedDayLayout) {
		return stagedFile{}, false
	}
	day, err := time.ParseInLocation(stagedDayLayout, rest[:len(stagedDayLayout)], time.Local)
	if err != nil {
		return stagedFile{}, false
	}
	s := stagedFile{day: day}
	if suffix := rest[len(stagedDayLayout):]; suffix != "" {
		digits, ok := strings.CutPrefix(suffix, ".")
		seq, err := strconv.Atoi(digits)
		if !ok || err != nil || seq < 1 || strconv.Itoa(seq) != digits {
			return stagedFile{}, false
		}
		s.seq = seq
	}
	return s, true
}

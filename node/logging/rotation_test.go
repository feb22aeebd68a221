package logging

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func TestRotationAtMidnight(t *testing.T) {
	home := t.TempDir()
	clock := newFakeClock(localTime(2024, time.May, 1, 23, 59, 58))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	entry := Tagged(logrus.NewEntry(logger), "Master", "Main")

	entry.Info("first")
	clock.Advance(time.Second)
	entry.Info("second")
	clock.Set(localTime(2024, time.May, 2, 0, 0, 0))
	entry.Info("third")
	clock.Advance(5 * time.Second)
	entry.Info("fourth")
	if err := closeLog(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	archive := filepath.Join(home, "logs", "cluster", "2024", "May", "cluster.log-01.gz")
	wantOld := "2024/05/01 23:59:58 INFO: [Master] [Main] first\n" +
		"2024/05/01 23:59:59 INFO: [Master] [Main] second\n"
	if got := readGzip(t, archive); got != wantOld {
		t.Errorf("archive = %q, want %q", got, wantOld)
	}
	wantNew := "2024/05/02 00:00:00 INFO: [Master] [Main] third\n" +
		"2024/05/02 00:00:05 INFO: [Master] [Main] fourth\n"
	if got := readFile(t, filepath.Join(home, "logs", "cluster.log")); got != wantNew {
		t.Errorf("cluster.log = %q, want %q", got, wantNew)
	}
	if got := fileMode(t, archive); got != 0o640 {
		t.Errorf("archive mode = %o, want 640", got)
	}
	if got := fileMode(t, filepath.Join(home, "logs", "cluster.log")); got != 0o660 {
		t.Errorf("fresh cluster.log mode = %o, want 660", got)
	}
	assertOnlyArchives(t, home, "2024/May/cluster.log-01.gz")
}

func TestRotationNamesArchiveAfterTheFilesDay(t *testing.T) {
	home := t.TempDir()
	clock := newFakeClock(localTime(2023, time.December, 31, 12, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("last day of the year")
	// Nothing is written for several days: the lines still belong to the day the file was started.
	clock.Set(localTime(2024, time.January, 3, 8, 0, 0))
	logger.Info("three days later")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	got := readGzip(t, filepath.Join(home, "logs", "cluster", "2023", "Dec", "cluster.log-31.gz"))
	if got != "2023/12/31 12:00:00 INFO: last day of the year\n" {
		t.Errorf("archive = %q", got)
	}
	assertOnlyArchives(t, home, "2023/Dec/cluster.log-31.gz")
}

func TestRotationOfFileLeftFromAnEarlierDay(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "logs", "cluster.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	old := "2024/04/30 18:00:00 INFO: [Master] [Main] from the previous run\n"
	if err := os.WriteFile(path, []byte(old), 0o660); err != nil {
		t.Fatal(err)
	}
	lastWrite := localTime(2024, time.April, 30, 18, 0, 0)
	if err := os.Chtimes(path, lastWrite, lastWrite); err != nil {
		t.Fatal(err)
	}

	clock := newFakeClock(localTime(2024, time.May, 1, 9, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("new run")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	if got := readGzip(t, filepath.Join(home, "logs", "cluster", "2024", "Apr", "cluster.log-30.gz")); got != old {
		t.Errorf("archive = %q, want %q", got, old)
	}
	if got := readFile(t, path); got != "2024/05/01 09:00:00 INFO: new run\n" {
		t.Errorf("cluster.log = %q", got)
	}
}

func TestRotationAppendsToAnExistingArchive(t *testing.T) {
	home := t.TempDir()
	archive := filepath.Join(home, "logs", "cluster", "2024", "May", "cluster.log-01.gz")
	if err := os.MkdirAll(filepath.Dir(archive), 0o750); err != nil {
		t.Fatal(err)
	}
	var earlier bytes.Buffer
	zw := gzip.NewWriter(&earlier)
	_, _ = zw.Write([]byte("archived earlier\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(archive, earlier.Bytes(), 0o640); err != nil {
		t.Fatal(err)
	}

	clock := newFakeClock(localTime(2024, time.May, 1, 20, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("archived later")
	clock.Set(localTime(2024, time.May, 2, 0, 0, 1))
	logger.Info("today")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	want := "archived earlier\n2024/05/01 20:00:00 INFO: archived later\n"
	if got := readGzip(t, archive); got != want {
		t.Errorf("archive = %q, want %q", got, want)
	}
}

func TestRotationResumesArchivingLeftovers(t *testing.T) {
	home := t.TempDir()
	logs := filepath.Join(home, "logs")
	if err := os.MkdirAll(logs, 0o750); err != nil {
		t.Fatal(err)
	}
	leftovers := map[string]string{
		"cluster.log.2024-04-29":   "a\n",
		"cluster.log.2024-04-29.1": "b\n",
		"cluster.log.2024-04-30":   "c\n",
	}
	for name, content := range leftovers {
		if err := os.WriteFile(filepath.Join(logs, name), []byte(content), 0o660); err != nil {
			t.Fatal(err)
		}
	}
	unrelated := filepath.Join(logs, "cluster.log.backup")
	if err := os.WriteFile(unrelated, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	_, closeLog := newTestLogger(t, Options{Home: home})
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	if got := readGzip(t, filepath.Join(logs, "cluster", "2024", "Apr", "cluster.log-29.gz")); got != "a\nb\n" {
		t.Errorf("29th = %q, want the two files in order", got)
	}
	if got := readGzip(t, filepath.Join(logs, "cluster", "2024", "Apr", "cluster.log-30.gz")); got != "c\n" {
		t.Errorf("30th = %q", got)
	}
	for name := range leftovers {
		if _, err := os.Stat(filepath.Join(logs, name)); !os.IsNotExist(err) {
			t.Errorf("%s still present (err %v)", name, err)
		}
	}
	if got := readFile(t, unrelated); got != "keep\n" {
		t.Errorf("unrelated file changed: %q", got)
	}
}

func TestRotationArchiveFailureIsLoggedAndKeepsTheLines(t *testing.T) {
	home := t.TempDir()
	logs := filepath.Join(home, "logs")
	if err := os.MkdirAll(logs, 0o750); err != nil {
		t.Fatal(err)
	}
	// A file where the archive directory belongs makes every archive fail, even for root.
	if err := os.WriteFile(filepath.Join(logs, "cluster"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(localTime(2024, time.May, 1, 23, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("yesterday")
	clock.Set(localTime(2024, time.May, 2, 1, 0, 0))
	logger.Info("today")

	err := closeLog()
	if err == nil {
		t.Fatal("Close: want the archive error")
	}
	staged := filepath.Join(logs, "cluster.log.2024-05-01")
	if got := readFile(t, staged); got != "2024/05/01 23:00:00 INFO: yesterday\n" {
		t.Errorf("rotated file = %q, want it kept for a later archive", got)
	}
	current := readFile(t, filepath.Join(logs, "cluster.log"))
	if !strings.HasPrefix(current, "2024/05/02 01:00:00 INFO: today\n") ||
		!strings.Contains(current, "ERROR: [Cluster] [Main] Could not archive cluster.log: archive "+staged) {
		t.Errorf("cluster.log = %q, want today's line and the archive error", current)
	}
}

// TestRotationUnderConcurrentWriters checks that no line is lost or duplicated while many
// goroutines write across several midnights.
func TestRotationUnderConcurrentWriters(t *testing.T) {
	const (
		writers        = 8
		linesPerWriter = 300
		days           = 4 // midnights crossed
	)
	home := t.TempDir()
	clock := newFakeClock(localTime(2024, time.February, 27, 22, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			entry := logrus.NewEntry(logger).WithField("writer", w)
			for i := range linesPerWriter {
				// Writer 0 moves the clock while the others keep writing, so every rotation
				// races with writes; 2024-02-29 checks the leap day gets its archive.
				if w == 0 && i > 0 && i%(linesPerWriter/(days+1)) == 0 {
					clock.Advance(24 * time.Hour)
				}
				entry.Infof("line %d", i)
			}
		})
	}
	wg.Wait()
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}

	var all []string
	collect := func(content string) {
		for line := range strings.Lines(content) {
			all = append(all, line)
		}
	}
	err := filepath.WalkDir(filepath.Join(home, "logs", "cluster"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".gz") {
			t.Errorf("unexpected file in the archive: %s", path)
			return nil
		}
		collect(readGzip(t, path))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	collect(readFile(t, filepath.Join(home, "logs", "cluster.log")))

	var want []string
	for w := range writers {
		for i := range linesPerWriter {
			want = append(want, fmt.Sprintf("INFO: line %d writer=%d\n", i, w))
		}
	}
	var got []string
	for _, line := range all {
		_, rest, ok := strings.Cut(line, " ")  // date
		_, rest, ok2 := strings.Cut(rest, " ") // time
		if !ok || !ok2 {
			t.Fatalf("malformed line %q", line)
		}
		got = append(got, rest)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got %d lines, want %d (lost or duplicated lines)", len(got), len(want))
	}
	assertOnlyArchives(t, home, "2024/Feb/cluster.log-27.gz", "2024/Feb/cluster.log-28.gz",
		"2024/Feb/cluster.log-29.gz", "2024/Mar/cluster.log-01.gz")
	// Each archived line must belong to its archive's day or an earlier one.
	assertArchivedLinesPrecedeTheirDay(t, filepath.Join(home, "logs", "cluster"))
}

func assertArchivedLinesPrecedeTheirDay(t *testing.T, archiveDir string) {
	t.Helper()
	_ = filepath.WalkDir(archiveDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(archiveDir, path)
		parts := strings.Split(rel, string(filepath.Separator))
		day, err := time.ParseInLocation("2006 Jan 02", parts[0]+" "+parts[1]+" "+strings.TrimSuffix(strings.TrimPrefix(parts[2], "cluster.log-"), ".gz"), time.Local)
		if err != nil {
			t.Errorf("archive name %s: %v", rel, err)
			return nil
		}
		for line := range strings.Lines(readGzip(t, path)) {
			stamp, err := time.ParseInLocation("2006/01/02 15:04:05", line[:19], time.Local)
			if err != nil || !stamp.Before(day.AddDate(0, 0, 1)) {
				t.Errorf("%s holds %q, which is after its day", rel, line)
			}
		}
		return nil
	})
}

// assertOnlyArchives checks the archive tree holds exactly the given files (relative, slash
// separated) and the logs directory no rotated file waiting.
func assertOnlyArchives(t *testing.T, home string, want ...string) {
	t.Helper()
	archiveDir := filepath.Join(home, "logs", "cluster")
	var got []string
	_ = filepath.WalkDir(archiveDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(archiveDir, path)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if !slices.Equal(got, want) {
		t.Errorf("archives = %v, want %v", got, want)
	}
	entries, err := os.ReadDir(filepath.Join(home, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if strings.HasPrefix(entry.Name(), "cluster.log.") {
			t.Errorf("rotated file %s was not archived", entry.Name())
		}
	}
}

func TestRotationBesideALeftoverOfTheSameDay(t *testing.T) {
	home := t.TempDir()
	logs := filepath.Join(home, "logs")
	if err := os.MkdirAll(logs, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(logs, "cluster.log.2024-05-01"), []byte("left over\n"), 0o660); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(localTime(2024, time.May, 1, 22, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("late on the 1st")
	clock.Set(localTime(2024, time.May, 2, 0, 30, 0))
	logger.Info("the 2nd")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	want := "left over\n2024/05/01 22:00:00 INFO: late on the 1st\n"
	if got := readGzip(t, filepath.Join(logs, "cluster", "2024", "May", "cluster.log-01.gz")); got != want {
		t.Errorf("archive = %q, want %q", got, want)
	}
	assertOnlyArchives(t, home, "2024/May/cluster.log-01.gz")
}

package integrity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Scanner computes the metadata of every synchronised file under Home, as Wazuh's
// get_files_status does (§5.1, §5.2). It remembers what it hashed, so one Scanner should be
// kept and reused from scan to scan; calls to Scan on the same Scanner run one at a time.
type Scanner struct {
	Home    string // WAZUH_HOME
	Workers int    // goroutines stating and hashing files; runtime.NumCPU() when zero or less
	// Keys, when set, limits the scan to the items with these keys (RulesetKeys: the user
	// ruleset alone); nil scans every item of Items.
	Keys []string

	mu    sync.Mutex
	cache scanCache // the files of the last complete scan
}

// ScanStats describes one scan.
type ScanStats struct {
	Files       int64   // files in the result
	Hashed      int64   // files read and hashed; the others kept their previous hash
	BytesHashed int64   // bytes read to hash them
	Skipped     int64   // symbolic links, special files, names that cannot travel unchanged, unreadable entries
	Errors      []error // the first failures to read a folder or file (at most maxScanErrors)
	Duration    time.Duration
}

// maxScanErrors bounds ScanStats.Errors: a folder of ten thousand unreadable files should make
// one log line of examples, not ten thousand.
const maxScanErrors = 16

// batchSize is how many files of one folder go to a worker at once: enough to make channel
// traffic negligible next to a stat, few enough to keep every worker busy until the end.
const batchSize = 64

// Scan walks every item of Items under Home and returns the metadata of every file the item
// selects (Item.Takes, recursive or not, never Excluded). Missing folders are skipped quietly.
// Symbolic links are never followed: a symlinked file or folder is skipped, and so is an item
// whose folder is a symlink, because files written there from peer data would escape
// WAZUH_HOME.
//
// prev is the previous scan's metadata; with prev == nil every file is read and hashed. With
// prev, a file keeps its hash without being read when the Scanner hashed it itself and it has
// not changed since in size, mtime nanoseconds, ctime or inode (nor was it written too close
// to that scan to trust its mtime), or, for a file this Scanner has not seen, when prev has it
// with exactly the same mod_time (Wazuh's rule).
//
// Files that vanish during the scan are left out; files or folders that cannot be read are
// left out, counted in Skipped and reported in Errors. Scan fails only when Home is not a
// directory (ErrHomeNotDir) or ctx ends; every goroutine it started has ended when it returns.
func (s *Scanner) Scan(ctx context.Context, prev Metadata) (Metadata, ScanStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()

	prefix, err := homePrefix(s.Home)
	if err != nil {
		return nil, ScanStats{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ScanStats{}, fmt.Errorf("integrity scan of %s: %w", s.Home, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	jobs := make(chan fileBatch, 2*s.workerCount())
	pool := make([]*scanWorker, s.workerCount())
	var wg sync.WaitGroup
	for i := range pool {
		w := &scanWorker{
			prev:       prev,
			cache:      s.cache,
			racyCutoff: start.Add(-racyWindow).UnixNano(),
			done:       ctx.Done(),
		}
		pool[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(jobs)
		}()
	}
	wk := walker{prefix: prefix, jobs: jobs, done: ctx.Done(), buf: make([]byte, direntBufferSize), keys: s.Keys}
	wk.walkItems()
	close(jobs)
	wg.Wait()
	for b := range jobs {
		b.dir.release() // batches left when the scan was cancelled
	}

	stats := collectStats(&wk, pool)
	if err := ctx.Err(); err != nil {
		stats.Duration = time.Since(start)
		return nil, stats, fmt.Errorf("integrity scan of %s: %w", s.Home, err)
	}
	meta, cache := mergeResults(pool, Items)
	s.cache = cache
	stats.Files = int64(len(meta))
	stats.Duration = time.Since(start)
	return meta, stats, nil
}

func (s *Scanner) workerCount() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return runtime.NumCPU()
}

// homePrefix checks that home is a directory (following a symlink: WAZUH_HOME itself may be
// one) and returns its absolute path with one trailing slash, ready to prefix relative paths.
func homePrefix(home string) (string, error) {
	if home == "" {
		return "", fmt.Errorf("empty path: %w", ErrHomeNotDir)
	}
	clean, err := filepath.Abs(home)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrHomeNotDir, err)
	}
	info, err := os.Stat(clean)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrHomeNotDir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s: %w", home, ErrHomeNotDir)
	}
	if !strings.HasSuffix(clean, "/") {
		clean += "/"
	}
	return clean, nil
}

// collectStats adds up the walker's and the workers' counters.
func collectStats(wk *walker, pool []*scanWorker) ScanStats {
	stats := ScanStats{Skipped: wk.skipped}
	errs := wk.errs
	for _, w := range pool {
		stats.Hashed += w.hashed
		stats.BytesHashed += w.bytesHashed
		stats.Skipped += w.skipped
		errs.merge(w.errs)
	}
	stats.Errors = errs.list
	return stats
}

// errorLog keeps the first maxScanErrors errors.
type errorLog struct{ list []error }

func (l *errorLog) add(err error) {
	if len(l.list) < maxScanErrors {
		l.list = append(l.list, err)
	}
}

func (l *errorLog) merge(other errorLog) {
	for _, err := range other.list {
		l.add(err)
	}
}

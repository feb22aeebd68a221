package integrity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The benchmark trees live under os.TempDir() and are reused from run to run: writing 1 GiB
// takes longer than the benchmarks. File sizes are drawn log-uniformly between 256 B and
// 128 KiB (mean (128 KiB - 256 B) / ln 512 ≈ 20.5 KiB), so 50,000 files make about 1.0 GB and
// small files dominate the count, as in etc/shared and the ruleset. 90% of the files go to
// etc/shared/group-NNN/ (500 per group), 10% to etc/rules/set-NN/.
const (
	benchMinSize  = 256
	benchMaxSize  = 128 << 10
	benchSeed     = 20231114
	benchVersion  = "v1"
	benchMarker   = ".complete"
	benchPerGroup = 500
)

var benchSizes = []struct {
	name  string
	files int
}{{"10k", 10_000}, {"50k", 50_000}}

type benchFile struct {
	rel  string
	size int
}

type benchTreeInfo struct {
	home  string
	files []benchFile
	bytes int64
}

var (
	benchTreesMu sync.Mutex
	benchTrees   = map[int]*benchTreeInfo{}
)

// benchPlan lists the tree's files and sizes; it depends only on n and the seed, so a tree on
// disk can be reused without being read.
func benchPlan(n int) ([]benchFile, int64) {
	rng := rand.New(rand.NewPCG(benchSeed, uint64(n)))
	files := make([]benchFile, n)
	var total int64
	shared := n * 9 / 10
	for i := range files {
		size := int(benchMinSize * math.Exp(rng.Float64()*math.Log(benchMaxSize/benchMinSize)))
		rel := fmt.Sprintf("etc/shared/group-%03d/file-%05d.conf", i/benchPerGroup, i)
		if i >= shared {
			rel = fmt.Sprintf("etc/rules/set-%02d/rule-%05d.xml", (i-shared)/benchPerGroup, i)
		}
		files[i] = benchFile{rel: rel, size: size}
		total += int64(size)
	}
	return files, total
}

// benchTree returns the tree of n files, creating it unless a complete one is on disk, and
// reads it once so that every benchmark starts from the page cache.
func benchTree(b *testing.B, n int) *benchTreeInfo {
	b.Helper()
	benchTreesMu.Lock()
	defer benchTreesMu.Unlock()
	if t, ok := benchTrees[n]; ok {
		return t
	}
	files, total := benchPlan(n)
	t := &benchTreeInfo{home: filepath.Join(os.TempDir(), fmt.Sprintf("clusterd-bench-tree-%d", n)), files: files, bytes: total}
	marker := filepath.Join(t.home, benchMarker)
	want := fmt.Sprintf("%s files=%d bytes=%d seed=%d\n", benchVersion, n, total, benchSeed)
	if got, err := os.ReadFile(marker); err != nil || string(got) != want {
		if err := writeBenchTree(t); err != nil {
			b.Fatalf("create %s: %v", t.home, err)
		}
		if err := os.WriteFile(marker, []byte(want), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, _, err := (&Scanner{Home: t.home}).Scan(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	benchTrees[n] = t
	return t
}

// writeBenchTree writes the tree from scratch with random contents and an mtime well in the
// past, so that no file counts as just modified when the warm benchmark runs.
func writeBenchTree(t *benchTreeInfo) error {
	if err := os.RemoveAll(t.home); err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	buf := make([]byte, benchMaxSize)
	old := time.Unix(1700000000, 0)
	for _, f := range t.files {
		p := filepath.Join(t.home, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		data := buf[:f.size]
		_, _ = rng.Read(data)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		if err := os.Chtimes(p, old, old); err != nil {
			return err
		}
	}
	return nil
}

func reportFilesPerSecond(b *testing.B, files int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(files)*float64(b.N)/s, "files/s")
	}
}

// BenchmarkScanCold hashes every file: a new Scanner and no previous metadata. "Cold" means
// not in the mtime cache; the files themselves are in the page cache, as for b2sum below.
func BenchmarkScanCold(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			tree := benchTree(b, size.files)
			b.SetBytes(tree.bytes)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				meta, stats, err := (&Scanner{Home: tree.home}).Scan(context.Background(), nil)
				if err != nil || len(meta) != size.files || stats.Hashed != int64(size.files) {
					b.Fatalf("scan: %d files, %d hashed, %v", len(meta), stats.Hashed, err)
				}
			}
			reportFilesPerSecond(b, size.files)
		})
	}
}

// BenchmarkScanWarm rescans an unchanged tree with the previous scan's metadata: one lstat
// per file and no reads.
func BenchmarkScanWarm(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			tree := benchTree(b, size.files)
			s := &Scanner{Home: tree.home}
			prev, _, err := s.Scan(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				meta, stats, err := s.Scan(context.Background(), prev)
				if err != nil || len(meta) != size.files || stats.Hashed != 0 {
					b.Fatalf("scan: %d files, %d hashed, %v", len(meta), stats.Hashed, err)
				}
				prev = meta
			}
			reportFilesPerSecond(b, size.files)
		})
	}
}

// BenchmarkB2sum runs coreutils' b2sum (BLAKE2b-512, the same digest) over the same files, one
// process per core, each given its share of the files as arguments in batches, as xargs -P
// would: the reference the cold scan is measured against.
func BenchmarkB2sum(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			tree := benchTree(b, size.files)
			b2sum := newB2sumRunner(b, tree)
			b.SetBytes(tree.bytes)
			b.ResetTimer()
			for range b.N {
				if err := b2sum.run(); err != nil {
					b.Fatal(err)
				}
			}
			reportFilesPerSecond(b, size.files)
		})
	}
}

// BenchmarkScanColdVsB2sum alternates a cold scan and a b2sum run in every iteration and
// reports both throughputs and their ratio: on a shared machine the load changes from one
// benchmark to the next, and only alternating runs compare like with like.
func BenchmarkScanColdVsB2sum(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			tree := benchTree(b, size.files)
			b2sum := newB2sumRunner(b, tree)
			var scanTime, b2sumTime time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if _, _, err := (&Scanner{Home: tree.home}).Scan(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				scanTime += time.Since(start)
				start = time.Now()
				if err := b2sum.run(); err != nil {
					b.Fatal(err)
				}
				b2sumTime += time.Since(start)
			}
			total := float64(tree.bytes) * float64(b.N) / 1e6
			b.ReportMetric(total/scanTime.Seconds(), "scan-MB/s")
			b.ReportMetric(total/b2sumTime.Seconds(), "b2sum-MB/s")
			b.ReportMetric(b2sumTime.Seconds()/scanTime.Seconds(), "scan/b2sum")
		})
	}
}

// b2sumRunner hashes a tree's files with b2sum, one process per core at a time.
type b2sumRunner struct {
	bin   string
	home  string
	parts [][]string
	out   *os.File
}

func newB2sumRunner(b *testing.B, tree *benchTreeInfo) *b2sumRunner {
	bin, err := exec.LookPath("b2sum")
	if err != nil {
		b.Skip("b2sum not installed")
	}
	out, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { out.Close() })
	return &b2sumRunner{bin: bin, home: tree.home, parts: splitBenchFiles(tree.files, runtime.NumCPU()), out: out}
}

func (r *b2sumRunner) run() error {
	var wg sync.WaitGroup
	errs := make([]error, len(r.parts))
	for i, part := range r.parts {
		wg.Go(func() { errs[i] = runB2sum(r.bin, r.home, part, r.out) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// splitBenchFiles deals the files round-robin into n shares of similar byte counts.
func splitBenchFiles(files []benchFile, n int) [][]string {
	parts := make([][]string, n)
	for i, f := range files {
		parts[i%n] = append(parts[i%n], f.rel)
	}
	return parts
}

// runB2sum hashes files (relative to dir) with b2sum, 1,000 arguments per process.
func runB2sum(bin, dir string, files []string, out *os.File) error {
	const perProcess = 1000
	for start := 0; start < len(files); start += perProcess {
		cmd := exec.Command(bin, files[start:min(start+perProcess, len(files))]...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("b2sum: %w", err)
		}
	}
	return nil
}

// BenchmarkMetadataJSON encodes and parses the metadata of 50,000 files, the size of the
// document a worker sends and the master decodes for every integrity check.
func BenchmarkMetadataJSON(b *testing.B) {
	m := make(Metadata, 50_000)
	for i := range 50_000 {
		m[fmt.Sprintf("etc/shared/group-%03d/file-%05d.conf", i/500, i)] = FileMeta{
			ModTime: 1700000000.123456, ClusterItemKey: "etc/shared/", Hash: fmt.Sprintf("%0128x", i),
		}
	}
	doc := m.MarshalPython()
	b.Run("marshal", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for range b.N {
			_ = m.MarshalPython()
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for range b.N {
			if _, err := ParseMetadata(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

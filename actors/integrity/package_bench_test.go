package integrity

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The benchmark corpus: about 1 GiB of text-like files of 64 KiB to 2 MiB (log-uniform, so
// about 1,800 files) under etc/shared/, generated once and kept under os.TempDir().
const (
	benchCorpusName  = "clusterd-integrity-bench-v1"
	benchCorpusBytes = 1 << 30
	benchMinFile     = 64 << 10
	benchMaxFile     = 2 << 20
)

type benchFiles struct {
	home  string
	diff  Diff              // every file missing
	files map[string]string // rel → path, as ReadPackage returns them
	bytes int64
}

func benchCorpus(b *testing.B) benchFiles {
	b.Helper()
	dir := filepath.Join(os.TempDir(), benchCorpusName)
	manifest := filepath.Join(dir, "manifest.txt")
	if _, err := os.Stat(manifest); err != nil {
		b.Logf("generating the benchmark corpus in %s", dir)
		if err := generateBenchCorpus(dir); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Open(manifest)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c := benchFiles{home: filepath.Join(dir, "home"), diff: Diff{Missing: Metadata{}}, files: map[string]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rel, size, _ := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			b.Fatalf("manifest line %q: %v", sc.Text(), err)
		}
		c.diff.Missing[rel] = FileMeta{ModTime: 1700000000, ClusterItemKey: "etc/shared/", Hash: "00"}
		c.files[rel] = filepath.Join(c.home, filepath.FromSlash(rel))
		c.bytes += n
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return c
}

// generateBenchCorpus writes the corpus into a fresh folder and renames it into place, so that
// a half-written corpus is never used.
func generateBenchCorpus(dir string) error {
	tmp, err := os.MkdirTemp(os.TempDir(), benchCorpusName+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := rand.New(rand.NewPCG(1700000000, 1))
	pool := benchText(r, 8<<20)
	var manifest strings.Builder
	var total int64
	for i := 0; total < benchCorpusBytes; i++ {
		size := int(math.Exp(math.Log(benchMinFile) + r.Float64()*(math.Log(benchMaxFile)-math.Log(benchMinFile))))
		size = min(size, int(benchCorpusBytes-total))
		data := make([]byte, 0, size)
		for len(data) < size {
			chunk := min(4096, size-len(data))
			off := r.IntN(len(pool) - chunk)
			data = append(data, pool[off:off+chunk]...)
		}
		rel := fmt.Sprintf("etc/shared/group%03d/file%05d.conf", i%100, i)
		p := filepath.Join(tmp, "home", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&manifest, "%s %d\n", rel, size)
		total += int64(size)
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.txt"), []byte(manifest.String()), 0o644); err != nil {
		return err
	}
	_ = os.RemoveAll(dir)
	return os.Rename(tmp, dir)
}

// benchText returns n bytes of XML-like text from a small vocabulary: it compresses about as
// well as rules, decoders and agent configurations do.
func benchText(r *rand.Rand, n int) []byte {
	words := make([]string, 2000)
	for i := range words {
		w := make([]byte, 3+r.IntN(9))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		words[i] = string(w)
	}
	out := make([]byte, 0, n+64)
	for len(out) < n {
		switch r.IntN(12) {
		case 0:
			out = append(out, "\n  <"...)
		case 1:
			out = fmt.Appendf(out, " id=\"%d\">", r.IntN(100000))
		default:
			out = append(out, ' ')
		}
		out = append(out, words[int(r.ExpFloat64()*200)%len(words)]...)
	}
	return out[:n]
}

func BenchmarkBuildMasterPackage(b *testing.B) {
	c := benchCorpus(b)
	out := filepath.Join(b.TempDir(), "worker1-1700000000.0-0.zip")
	b.SetBytes(c.bytes)
	var stats PackageStats
	b.ResetTimer()
	for range b.N {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		var buildErr error
		_, stats, buildErr = BuildMasterPackage(f, c.home, c.diff, DefaultCompressLevel, 1<<30, 0)
		if err := f.Close(); buildErr != nil || err != nil {
			b.Fatal(buildErr, err)
		}
	}
	b.StopTimer()
	if stats.Files != len(c.files) {
		b.Fatalf("%d files packed of %d: %+v", stats.Files, len(c.files), stats)
	}
	b.ReportMetric(float64(stats.Bytes)/float64(c.bytes), "ratio")
	b.ReportMetric(float64(stats.Files), "files")
}

// benchPackage builds the corpus's package once per benchmark run.
func benchPackage(b *testing.B, c benchFiles) string {
	b.Helper()
	out := filepath.Join(b.TempDir(), "worker1-1700000000.0-0.zip")
	f, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := BuildMasterPackage(f, c.home, c.diff, DefaultCompressLevel, 1<<30, 0); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return out
}

func BenchmarkReadPackage(b *testing.B) {
	c := benchCorpus(b)
	pkg := benchPackage(b, c)
	b.SetBytes(c.bytes)
	b.ResetTimer()
	for i := range b.N {
		dest := fmt.Sprintf("%sdir%d", pkg, i)
		files, _, err := ReadPackage(pkg, dest, 2<<30)
		if err != nil || len(files) != len(c.files) {
			b.Fatalf("%d files, %v", len(files), err)
		}
		b.StopTimer()
		if err := os.RemoveAll(dest); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

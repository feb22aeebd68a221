package integrity

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkApply writes the whole corpus (about 1 GiB in about 1,800 files) into a fresh worker
// home, as a first sync does: one atomic, synced write per file. Apply moves extracted files
// into place, so each round gets its own extraction: hard links to the corpus.
func BenchmarkApply(b *testing.B) {
	c := benchCorpus(b)
	base := b.TempDir()
	b.SetBytes(c.bytes)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		home := filepath.Join(base, "home")
		if err := os.Mkdir(home, 0o755); err != nil {
			b.Fatal(err)
		}
		extracted := linkExtraction(b, filepath.Join(base, "extracted"), c.files)
		b.StartTimer()
		r := Apply(home, c.diff, extracted)
		if r.Created != len(c.files) || r.Failed() != 0 {
			b.Fatalf("result: created %d, failed %d", r.Created, r.Failed())
		}
		b.StopTimer()
		if err := os.RemoveAll(home); err != nil {
			b.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(base, "extracted")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// linkExtraction hard-links every file of files into dir, as an extraction would leave them.
func linkExtraction(b *testing.B, dir string, files map[string]string) map[string]string {
	b.Helper()
	out := make(map[string]string, len(files))
	for rel, src := range files {
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.Link(src, dst); err != nil {
			b.Fatal(err)
		}
		out[rel] = dst
	}
	return out
}

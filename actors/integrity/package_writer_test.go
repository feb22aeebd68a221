package integrity

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// randomBytes returns n incompressible bytes, the same for the same seed.
func randomBytes(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

func TestPackageWriterLayout(t *testing.T) {
	dir := t.TempDir()
	a := putFile(t, dir, "a", []byte("hello\n"))
	b := putFile(t, dir, "b", []byte("<rule id=\"100001\"/>\n"))
	var out bytes.Buffer
	pw := NewPackageWriter(&out, 1, 0)
	for _, f := range []FileSource{{"etc/rules/a.xml", a}, {"etc/lists/b", b}} {
		if added, err := pw.AddFile(f.Rel, f.Path); !added || err != nil {
			t.Fatalf("AddFile(%s) = %v, %v", f.Rel, added, err)
		}
	}
	if err := pw.Close([]byte(`{"k": 1}`)); err != nil {
		t.Fatal(err)
	}
	// The layout is Wazuh's; each body is a zlib stream at level 1 (header 78 01) that an
	// independent zlib reader inflates to the file. The deflate bytes themselves may differ
	// from Python's: Wazuh only decompresses them.
	members := bytes.Split(out.Bytes(), []byte(entrySeparator))
	want := [][2]string{{"etc/rules/a.xml", "hello\n"}, {"etc/lists/b", "<rule id=\"100001\"/>\n"}, {metadataMember, `{"k": 1}`}}
	if len(members) != len(want) {
		t.Fatalf("%d members, want %d: %q", len(members), len(want), out.Bytes())
	}
	for i, m := range members {
		name, body, ok := bytes.Cut(m, []byte(pathSeparator))
		if !ok || string(name) != want[i][0] || !bytes.HasPrefix(body, []byte{0x78, 0x01}) {
			t.Fatalf("member %d = %q", i, m)
		}
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("member %s: %v", name, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || string(plain) != want[i][1] {
			t.Fatalf("member %s inflates to %q, %v", name, plain, err)
		}
	}
	if pw.Files() != 2 || pw.Size() != int64(out.Len()) {
		t.Errorf("Files() = %d, Size() = %d", pw.Files(), pw.Size())
	}
	if _, err := pw.AddFile("etc/rules/c.xml", a); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("AddFile after Close = %v", err)
	}
	if err := pw.Close(nil); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("second Close = %v", err)
	}
}

// TestPackageWriterLimit follows §5.4: a file larger than the limit is skipped and the package
// goes on; an entry that does not fit is refused and so is everything after it, even a file
// that would fit. The limit counts entries with path and separators, not the metadata.
func TestPackageWriterLimit(t *testing.T) {
	dir := t.TempDir()
	small := putFile(t, dir, "small", randomBytes(1, 1000))
	big := putFile(t, dir, "big", randomBytes(2, 5000))
	medium := putFile(t, dir, "medium", randomBytes(3, 900))
	tiny := putFile(t, dir, "tiny", []byte("x"))

	entry := func(rel string, data []byte) int64 {
		return int64(len(rel) + len(pathSeparator) + len(zlibAt(t, data, 1)) + len(entrySeparator))
	}
	first := entry("etc/rules/small", randomBytes(1, 1000))
	second := entry("etc/rules/tiny", []byte("x"))
	limit := first + second // exactly two entries fit

	var out bytes.Buffer
	pw := NewPackageWriter(&out, 1, limit)
	steps := []struct {
		rel, path string
		want      error
	}{
		{"etc/rules/small", small, nil},
		{"etc/rules/big", big, ErrFileTooLarge},
		{"etc/rules/tiny", tiny, nil},
		{"etc/rules/medium", medium, ErrZipLimitReached},
		{"etc/rules/tiny2", tiny, ErrZipLimitReached},
	}
	for _, s := range steps {
		added, err := pw.AddFile(s.rel, s.path)
		if added != (s.want == nil) || !errors.Is(err, s.want) {
			t.Errorf("AddFile(%s) = %v, %v; want %v", s.rel, added, err, s.want)
		}
	}
	if err := pw.Close(bytes.Repeat([]byte("m"), 10000)); err != nil {
		t.Fatalf("Close over the limit: %v", err)
	}
	members := scanMembers(t, out.Bytes())
	if len(members) != 3 || members[0].name != "etc/rules/small" || members[1].name != "etc/rules/tiny" {
		t.Errorf("members = %d", len(members))
	}
}

func TestPackageWriterLeavesOutUnreadableAndInvalid(t *testing.T) {
	dir := t.TempDir()
	good := putFile(t, dir, "good", []byte("ok"))
	var out bytes.Buffer
	pw := NewPackageWriter(&out, 1, 1<<20)
	cases := []struct {
		rel, path string
		want      error
	}{
		{"etc/rules/missing.xml", filepath.Join(dir, "nope"), ErrUnreadableFile},
		{"etc/rules/dir.xml", dir, ErrUnreadableFile},
		{"../etc/passwd", good, ErrInvalidPath},
		{"/etc/passwd", good, ErrInvalidPath},
		{"etc/rules/a" + entrySeparator, good, ErrInvalidPath},
		{"etc/rules/a" + pathSeparator, good, ErrInvalidPath},
		{"etc/rules/a|//@@//", good, ErrInvalidPath},
		{"etc/rules/a|@@//@@", good, ErrInvalidPath},
		{"etc/rules/good.xml", good, nil},
	}
	for _, c := range cases {
		added, err := pw.AddFile(c.rel, c.path)
		if added != (c.want == nil) || !errors.Is(err, c.want) {
			t.Errorf("AddFile(%q) = %v, %v; want %v", c.rel, added, err, c.want)
		}
	}
	if err := pw.Close([]byte("{}")); err != nil {
		t.Fatal(err)
	}
	if m := scanMembers(t, out.Bytes()); len(m) != 2 {
		t.Errorf("%d members, want 2", len(m))
	}
}

func TestPackageWriterInvalidLevel(t *testing.T) {
	pw := NewPackageWriter(&bytes.Buffer{}, 10, 0)
	if _, err := pw.AddFile("etc/client.keys", "/nonexistent"); !errors.Is(err, ErrInvalidLevel) {
		t.Errorf("AddFile = %v", err)
	}
	if err := pw.Close(nil); !errors.Is(err, ErrInvalidLevel) {
		t.Errorf("Close = %v", err)
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after < len(p) {
		n := w.after
		w.after = 0
		return n, errors.New("disk full")
	}
	w.after -= len(p)
	return len(p), nil
}

// TestPackageWriterWriteFailureIsSticky: once the package cannot be written, every call fails.
func TestPackageWriterWriteFailureIsSticky(t *testing.T) {
	dir := t.TempDir()
	big := putFile(t, dir, "big", randomBytes(4, 2*copyBufferSize))
	pw := NewPackageWriter(&failingWriter{after: 100}, 1, 0)
	if added, err := pw.AddFile("etc/rules/big", big); added || !errors.Is(err, ErrPackageWrite) {
		t.Fatalf("AddFile = %v, %v", added, err)
	}
	if _, err := pw.AddFile("etc/rules/big2", big); !errors.Is(err, ErrPackageWrite) {
		t.Errorf("second AddFile = %v", err)
	}
	if err := pw.Close(nil); !errors.Is(err, ErrPackageWrite) || !errors.Is(pw.Err(), ErrPackageWrite) {
		t.Errorf("Close = %v", err)
	}
	pw = NewPackageWriter(&failingWriter{after: 0}, 1, 0)
	if err := pw.Close([]byte("{}")); !errors.Is(err, ErrPackageWrite) {
		t.Errorf("Close on a failing writer = %v", err)
	}
}

// TestPackageWriterSpillsLargeFiles: a compressed file over spillThreshold waits in an unlinked
// temporary file, and leaves nothing behind.
func TestPackageWriterSpillsLargeFiles(t *testing.T) {
	dir := t.TempDir()
	spill := t.TempDir()
	data := randomBytes(5, spillThreshold+spillThreshold/2)
	big := putFile(t, dir, "big", data)
	var out bytes.Buffer
	pw := NewPackageWriter(&out, 1, 0)
	pw.SetTempDir(spill)
	if added, err := pw.AddFile("etc/shared/default/big.bin", big); !added || err != nil {
		t.Fatalf("AddFile = %v, %v", added, err)
	}
	if err := pw.Close([]byte("{}")); err != nil {
		t.Fatal(err)
	}
	members := scanMembers(t, out.Bytes())
	if !bytes.Equal(members[0].plain, data) {
		t.Error("spilled file read back differs")
	}
	if left, _ := os.ReadDir(spill); len(left) != 0 {
		t.Errorf("spill folder holds %d entries", len(left))
	}
	pw = NewPackageWriter(&out, 1, 0)
	pw.SetTempDir(filepath.Join(dir, "missing"))
	if _, err := pw.AddFile("etc/shared/default/big.bin", big); !errors.Is(err, ErrPackageWrite) {
		t.Errorf("AddFile with an unusable spill folder = %v", err)
	}
}

// TestPackageWriterAvoidsSeparatorInData: a file whose bytes at the configured level contain the
// entry separator is recompressed at another level, so that Wazuh's reader is not misled; one
// that holds it at every level is left out.
func TestPackageWriterAvoidsSeparatorInData(t *testing.T) {
	dir := t.TempDir()
	text := []byte("<agent_config>" + entrySeparator + "</agent_config>\n")
	if !bytes.Contains(zlibAt(t, text, zlib.NoCompression), []byte(entrySeparator)) {
		t.Fatal("stored block should hold the separator")
	}
	textPath := putFile(t, dir, "text", text)
	noisy := append(randomBytes(6, 3000), entrySeparator...)
	noisyPath := putFile(t, dir, "noisy", append(noisy, randomBytes(7, 3000)...))

	var out bytes.Buffer
	pw := NewPackageWriter(&out, zlib.NoCompression, 0)
	if added, err := pw.AddFile("etc/shared/default/agent.conf", textPath); !added || err != nil {
		t.Fatalf("AddFile(text) = %v, %v", added, err)
	}
	if added, err := pw.AddFile("etc/shared/default/noise.bin", noisyPath); added || !errors.Is(err, ErrSeparatorInData) {
		t.Fatalf("AddFile(noise) = %v, %v", added, err)
	}
	if err := pw.Close([]byte(`{"a": "` + entrySeparator + `"}`)); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(out.Bytes(), []byte(entrySeparator)); n != 1 {
		t.Errorf("package holds %d separators, want 1", n)
	}
	naive, err := naiveParse(out.Bytes())
	if err != nil || len(naive) != 2 || !bytes.Equal(naive[0].plain, text) {
		t.Fatalf("naive parse = %v, %v", naive, err)
	}
}

func TestSeparatorGuardSeesStraddlingSeparators(t *testing.T) {
	stream := []byte("abc" + entrySeparator + "def")
	for split := 0; split <= len(stream); split++ {
		for _, chunk := range []int{1, 2, 3, 7, 8, 100} {
			g := newSeparatorGuard(&bytes.Buffer{}, "")
			rest := stream
			_, _ = g.Write(rest[:min(split, len(rest))])
			rest = rest[min(split, len(rest)):]
			for len(rest) > 0 {
				n := min(chunk, len(rest))
				_, _ = g.Write(rest[:n])
				rest = rest[n:]
			}
			if g.clean() {
				t.Fatalf("split %d chunk %d: separator not seen", split, chunk)
			}
		}
	}
	// A body ending in the separator's first bytes makes the appended separator start early.
	g := newSeparatorGuard(&bytes.Buffer{}, "etc/x"+pathSeparator)
	_, _ = g.Write([]byte("body|@@//@@"))
	if g.clean() {
		t.Error("separator straddling the end not seen")
	}
	// The path separator itself followed by "@@//@@|" forms an entry separator.
	g = newSeparatorGuard(&bytes.Buffer{}, "etc/x"+pathSeparator)
	_, _ = g.Write([]byte("@@//@@|body"))
	if g.clean() {
		t.Error("separator straddling the path separator not seen")
	}
	g = newSeparatorGuard(&bytes.Buffer{}, "etc/x"+pathSeparator)
	_, _ = g.Write([]byte("|@@//@body"))
	if !g.clean() {
		t.Error("clean body reported dirty")
	}
}

// TestAddFilesMatchesSequentialAddFile: the parallel path writes the same bytes and outcomes as
// adding the files one by one, limit included, and leaks no goroutine.
func TestAddFilesMatchesSequentialAddFile(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	var srcs []FileSource
	for i := range 60 {
		var data []byte
		switch i % 3 {
		case 0:
			data = randomBytes(uint64(i), 1000+i*300)
		case 1:
			data = bytes.Repeat([]byte(fmt.Sprintf("<rule id=\"%d\"/>\n", i)), 50+i*40)
		default:
			data = []byte("x")
		}
		rel := fmt.Sprintf("etc/shared/g%02d/agent.conf", i)
		srcs = append(srcs, FileSource{Rel: rel, Path: putFile(t, dir, rel, data)})
	}
	srcs = append(srcs[:10], append([]FileSource{{Rel: "etc/rules/gone.xml", Path: filepath.Join(dir, "gone")}}, srcs[10:]...)...)

	for _, limit := range []int64{0, 12000, 40000} {
		var seq, par bytes.Buffer
		sw := NewPackageWriter(&seq, 1, limit)
		var want []error
		for _, s := range srcs {
			_, err := sw.AddFile(s.Rel, s.Path)
			want = append(want, err)
		}
		pw := NewPackageWriter(&par, 1, limit)
		got, err := pw.AddFiles(srcs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range srcs {
			if !sameOutcome(got[i], want[i]) {
				t.Errorf("limit %d, %s: AddFiles %v, AddFile %v", limit, srcs[i].Rel, got[i], want[i])
			}
		}
		if err := sw.Close([]byte("{}")); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close([]byte("{}")); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(seq.Bytes(), par.Bytes()) {
			t.Errorf("limit %d: AddFiles wrote other bytes than AddFile", limit)
		}
		if limit > 0 && pw.Size()-int64(len(metadataMember)+len(pathSeparator)+len(zlibAt(t, []byte("{}"), 1))) > limit {
			t.Errorf("limit %d: entries take %d bytes", limit, pw.Size())
		}
	}
}

// sameOutcome reports whether two AddFile outcomes are the same reason.
func sameOutcome(a, b error) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	for _, reason := range []error{ErrFileTooLarge, ErrZipLimitReached, ErrUnreadableFile, ErrInvalidPath, ErrSeparatorInData, ErrPackageWrite} {
		if errors.Is(a, reason) != errors.Is(b, reason) {
			return false
		}
	}
	return true
}

func TestAddFilesOnABrokenWriter(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	var srcs []FileSource
	for i := range 20 {
		rel := fmt.Sprintf("etc/rules/r%02d.xml", i)
		srcs = append(srcs, FileSource{Rel: rel, Path: putFile(t, dir, rel, randomBytes(uint64(i), 50000))})
	}
	pw := NewPackageWriter(&failingWriter{after: 300000}, 1, 0)
	outcomes, err := pw.AddFiles(srcs)
	if !errors.Is(err, ErrPackageWrite) {
		t.Fatalf("AddFiles error = %v", err)
	}
	if !errors.Is(outcomes[len(outcomes)-1], ErrPackageWrite) || outcomes[0] != nil {
		t.Errorf("outcomes = %v", outcomes)
	}
	if again, err := pw.AddFiles(srcs[:2]); !errors.Is(err, ErrPackageWrite) || !errors.Is(again[1], ErrPackageWrite) {
		t.Errorf("AddFiles on a broken writer = %v, %v", again, err)
	}
}

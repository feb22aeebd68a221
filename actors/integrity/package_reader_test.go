package integrity

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"

	"go.uber.org/goleak"
)

// chunkReader returns at most n bytes per Read, so that separators straddle reads.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// samplePackage builds a package of a few files, one of them larger than the scanner's buffer
// if big is set.
func samplePackage(t testing.TB, big bool) (data []byte, want map[string][]byte, meta []byte) {
	t.Helper()
	dir := t.TempDir()
	want = map[string][]byte{
		"etc/client.keys":                    []byte("001 agent any key\n"),
		"etc/shared/default/agent.conf":      bytes.Repeat([]byte("<agent_config/>\n"), 100),
		"etc/shared/default/merged.mg":       randomBytes(9, 12345),
		"etc/rules/local_rules.xml":          []byte("|@@//@@ |//@@//| near-separators in plain text\n"),
		"var/multigroups/3f5a1c2b/merged.mg": {},
	}
	if big {
		want["etc/shared/default/merged.mg"] = randomBytes(9, scanBufferSize+12345)
	}
	var out bytes.Buffer
	pw := NewPackageWriter(&out, 1, 0)
	for _, rel := range []string{"etc/client.keys", "etc/shared/default/agent.conf", "etc/shared/default/merged.mg", "etc/rules/local_rules.xml", "var/multigroups/3f5a1c2b/merged.mg"} {
		if added, err := pw.AddFile(rel, putFile(t, dir, rel, want[rel])); !added {
			t.Fatalf("AddFile(%s): %v", rel, err)
		}
	}
	meta = []byte(`{"missing": {}, "extra": {}, "shared": {}}`)
	if err := pw.Close(meta); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), want, meta
}

func checkExtracted(t *testing.T, dest string, files map[string]string, want map[string][]byte) {
	t.Helper()
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d", len(files), len(want))
	}
	for rel, data := range want {
		if files[rel] != filepath.Join(dest, filepath.FromSlash(rel)) {
			t.Errorf("%s extracted to %q", rel, files[rel])
		}
		got, err := os.ReadFile(files[rel])
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: read back %d bytes (%v), want %d", rel, len(got), err, len(data))
		}
	}
}

// TestReadPackageStreamsAcrossReads reads the same package through readers that cut it at every
// small chunk size: separators and names straddle reads, the result never changes.
func TestReadPackageStreamsAcrossReads(t *testing.T) {
	defer goleak.VerifyNone(t)
	bigData, bigWant, meta := samplePackage(t, true)
	smallData, smallWant, _ := samplePackage(t, false)
	type source struct {
		reader func() io.Reader
		want   map[string][]byte
	}
	sources := map[string]source{
		"whole":    {func() io.Reader { return bytes.NewReader(bigData) }, bigWant},
		"half":     {func() io.Reader { return iotest.HalfReader(bytes.NewReader(bigData)) }, bigWant},
		"data-err": {func() io.Reader { return iotest.DataErrReader(bytes.NewReader(bigData)) }, bigWant},
		"one-byte": {func() io.Reader { return iotest.OneByteReader(bytes.NewReader(smallData)) }, smallWant},
	}
	for n := 2; n <= 17; n++ {
		sources[fmt.Sprintf("chunk-%d", n)] = source{func() io.Reader { return chunkReader{bytes.NewReader(smallData), n} }, smallWant}
	}
	for name, src := range sources {
		r, want := src.reader, src.want
		t.Run(name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "dest")
			files, gotMeta, err := ReadPackageFrom(r(), dest, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			checkExtracted(t, dest, files, want)
			if !bytes.Equal(gotMeta, meta) {
				t.Errorf("metadata = %q", gotMeta)
			}
		})
	}
}

func TestReadPackageFromFile(t *testing.T) {
	data, want, _ := samplePackage(t, true)
	pkg := filepath.Join(t.TempDir(), "w1.zip")
	if err := os.WriteFile(pkg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	dest := pkg + "dir"
	files, _, err := ReadPackage(pkg, dest, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	checkExtracted(t, dest, files, want)
	if _, _, err := ReadPackage(pkg+".missing", dest+"2", 1<<30); err == nil {
		t.Error("ReadPackage of a missing file succeeded")
	}
}

// TestReadPackageMetadataAnywhere: like Wazuh, the metadata member is found by name; Wazuh's
// writers put it last.
func TestReadPackageMetadataAnywhere(t *testing.T) {
	data := rawPackage(zmember(t, metadataMember, "{}"), zmember(t, "etc/client.keys", "k"))
	dest := filepath.Join(t.TempDir(), "d")
	files, meta, err := ReadPackageFrom(bytes.NewReader(data), dest, 1<<20)
	if err != nil || string(meta) != "{}" || !reflect.DeepEqual(files, map[string]string{"etc/client.keys": filepath.Join(dest, "etc", "client.keys")}) {
		t.Errorf("ReadPackageFrom = %v, %q, %v", files, meta, err)
	}
}

// TestReadPackageIntoExistingFolder: an existing dest is used and, on error, left for the caller.
func TestReadPackageIntoExistingFolder(t *testing.T) {
	dest := t.TempDir()
	bad := rawPackage(zmember(t, "etc/a", "a"), [2][]byte{[]byte(metadataMember), []byte("junk")})
	if _, _, err := ReadPackageFrom(bytes.NewReader(bad), dest, 1<<20); !errors.Is(err, ErrCorruptMember) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Errorf("existing dest removed: %v", err)
	}
	created := filepath.Join(t.TempDir(), "new")
	if _, _, err := ReadPackageFrom(bytes.NewReader(bad), created, 1<<20); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Lstat(created); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dest created by ReadPackageFrom left after an error: %v", err)
	}
}

type failingReader struct{ after int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.after == 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), r.after)
	for i := range p[:n] {
		p[i] = 'a'
	}
	r.after -= n
	return n, nil
}

func TestReadPackageReportsReadErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	dest := filepath.Join(t.TempDir(), "d")
	if _, _, err := ReadPackageFrom(&failingReader{after: 10}, dest, 1<<20); err == nil {
		t.Error("read error not reported")
	}
	data, _, _ := samplePackage(t, true)
	r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), &failingReader{})
	if _, _, err := ReadPackageFrom(r, dest, 1<<30); err == nil {
		t.Error("read error mid-body not reported")
	}
}

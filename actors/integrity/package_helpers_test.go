package integrity

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pkgVectors is the integrity vectors folder, relative to this package.
const pkgVectors = "../../testdata/vectors/integrity"

// pkgLayoutEntry is one member of a *_zip.layout.json vector.
type pkgLayoutEntry struct {
	Name          string `json:"name"`
	CompressedLen int    `json:"compressed_len"`
	PlainLen      int    `json:"plain_len"`
	PlainSHA256   string `json:"plain_sha256"`
}

func pkgVectorBytes(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pkgVectors, name))
	if err != nil {
		t.Fatalf("read vector %s: %v", name, err)
	}
	return data
}

func pkgVectorHex(t testing.TB, name string) []byte {
	t.Helper()
	data, err := hex.DecodeString(strings.TrimSpace(string(pkgVectorBytes(t, name))))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return data
}

func pkgVectorLayout(t testing.TB, name string) []pkgLayoutEntry {
	t.Helper()
	var layout []pkgLayoutEntry
	if err := json.Unmarshal(pkgVectorBytes(t, name), &layout); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return layout
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func zlibAt(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawPackage lays out members (name, already-compressed body) exactly, for hostile packages.
func rawPackage(members ...[2][]byte) []byte {
	var b bytes.Buffer
	for i, m := range members {
		if i > 0 {
			b.WriteString(entrySeparator)
		}
		b.Write(m[0])
		b.WriteString(pathSeparator)
		b.Write(m[1])
	}
	return b.Bytes()
}

// zmember is a member whose body is zlib(plain).
func zmember(t testing.TB, name, plain string) [2][]byte {
	return [2][]byte{[]byte(name), zlibAt(t, []byte(plain), 1)}
}

// naiveMember is one member as Wazuh's decompress_files sees it.
type naiveMember struct {
	name  string
	plain []byte
}

// naiveParse parses a whole package in memory the way Wazuh's Python does: split on the entry
// separator, each piece once on the path separator, zlib.decompress each body (which ignores
// bytes after the end of the stream).
func naiveParse(data []byte) ([]naiveMember, error) {
	var out []naiveMember
	for piece := range bytes.SplitSeq(data, []byte(entrySeparator)) {
		name, body, ok := bytes.Cut(piece, []byte(pathSeparator))
		if !ok {
			return nil, errors.New("piece without path separator")
		}
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return nil, err
		}
		out = append(out, naiveMember{name: string(name), plain: plain})
	}
	return out, nil
}

// scannedMember is one member as scanPackage sees it.
type scannedMember struct {
	name       string
	compressed int
	plain      []byte
}

// scanMembers lists a package's members in order, with their compressed length and plain bytes.
func scanMembers(t testing.TB, data []byte) []scannedMember {
	t.Helper()
	var out []scannedMember
	err := scanPackage(bytes.NewReader(data), func(name string, body byteSource) error {
		counted := &countingByteReader{r: body}
		zr, err := zlib.NewReader(counted)
		if err != nil {
			return err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		out = append(out, scannedMember{name: name, compressed: counted.n, plain: plain})
		return nil
	})
	if err != nil {
		t.Fatalf("scan package: %v", err)
	}
	return out
}

type countingByteReader struct {
	r interface {
		io.Reader
		io.ByteReader
	}
	n int
}

func (c *countingByteReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingByteReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// putFile writes data to root/rel, creating folders.
func putFile(t testing.TB, root, rel string, data []byte) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// copyTreeWritable copies a vector tree (read-only files) into dst, writable.
func copyTreeWritable(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		putFile(t, dst, filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// listTree returns every path below dir (relative, slash-separated), folders included.
func listTree(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// onlyUnder fails the test if anything below base lies outside base/inside.
func onlyUnder(t testing.TB, base, inside string) {
	t.Helper()
	for _, p := range listTree(t, base) {
		if p != inside && !strings.HasPrefix(p, inside+"/") {
			t.Fatalf("%s was created outside %s", p, inside)
		}
	}
}

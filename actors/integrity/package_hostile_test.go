package integrity

import (
	"bytes"
	"compress/zlib"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"go.uber.org/goleak"
)

// readHostile extracts data into base/dest and checks that nothing appeared outside dest.
func readHostile(t *testing.T, data []byte, maxTotal int64) error {
	t.Helper()
	base := t.TempDir()
	_, _, err := ReadPackageFrom(bytes.NewReader(data), filepath.Join(base, "dest"), maxTotal)
	onlyUnder(t, base, "dest")
	if err != nil {
		if _, statErr := os.Lstat(filepath.Join(base, "dest")); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("dest left after error %v", err)
		}
	}
	return err
}

func TestReadPackageRefusesBadNames(t *testing.T) {
	names := []string{
		"../evil", "etc/../../evil", "etc/..", "/tmp/evil", "/", "", ".", "./etc/a", "etc//a", "etc/a/",
		"etc/\x00a", "etc\\..\\..\\evil", "..\\evil", "etc/\xff\xfe", strings.Repeat("a", 256),
		strings.Repeat("a/", maxPathLen/2) + "a",
	}
	for _, name := range names {
		data := rawPackage(zmember(t, name, "x"), zmember(t, metadataMember, "{}"))
		if err := readHostile(t, data, 1<<20); !errors.Is(err, ErrInvalidPath) && !errors.Is(err, ErrMalformedPackage) {
			t.Errorf("name %q: err = %v", name, err)
		}
	}
}

func TestReadPackageRefusesMalformedLayouts(t *testing.T) {
	meta := zmember(t, metadataMember, "{}")
	cases := map[string][]byte{
		"empty":                 {},
		"no path separator":     []byte("just some bytes"),
		"trailing separator":    append(rawPackage(meta), entrySeparator...),
		"only a separator":      []byte(entrySeparator),
		"piece without path":    rawPackage(meta, [2][]byte{[]byte("x"), nil})[:len(rawPackage(meta))+len(entrySeparator)+1],
		"name too long":         rawPackage(zmember(t, strings.Repeat("a", maxPathLen+1), "x"), meta),
		"separator before path": append([]byte("etc/a"+entrySeparator+"b"+pathSeparator), meta[1]...),
		"straddled path sep":    append([]byte("etc/a|//@@//"+entrySeparator[1:]), meta[1]...),
	}
	for name, data := range cases {
		if err := readHostile(t, data, 1<<20); !errors.Is(err, ErrMalformedPackage) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestReadPackageRefusesBadBodies(t *testing.T) {
	body := zlibAt(t, bytes.Repeat([]byte("agent.conf\n"), 100), 1)
	badSum := append([]byte(nil), body...)
	badSum[len(badSum)-1] ^= 0xff
	stored := zlibAt(t, []byte("a"+entrySeparator+"b"), zlib.NoCompression)
	cases := map[string][2][]byte{
		"truncated":         {[]byte("etc/a"), body[:len(body)-5]},
		"header only":       {[]byte("etc/a"), body[:2]},
		"empty":             {[]byte("etc/a"), nil},
		"bad checksum":      {[]byte("etc/a"), badSum},
		"trailing data":     {[]byte("etc/a"), append(append([]byte(nil), body...), "tail"...)},
		"two streams":       {[]byte("etc/a"), append(append([]byte(nil), body...), body...)},
		"not zlib":          {[]byte("etc/a"), []byte("plain text, not compressed")},
		"separator in data": {[]byte("etc/a"), stored},
	}
	for name, member := range cases {
		data := rawPackage(member, zmember(t, metadataMember, "{}"))
		err := readHostile(t, data, 1<<20)
		if !errors.Is(err, ErrCorruptMember) && !errors.Is(err, ErrMalformedPackage) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// The separator split the first body: Wazuh's reader fails the same package too.
	if _, err := naiveParse(rawPackage(cases["separator in data"], zmember(t, metadataMember, "{}"))); err == nil {
		t.Error("the naive reader accepted the package with a separator in its data")
	}
}

func TestReadPackageRefusesDuplicatesAndMissingMetadata(t *testing.T) {
	a := zmember(t, "etc/client.keys", "k")
	meta := zmember(t, metadataMember, "{}")
	if err := readHostile(t, rawPackage(a, a, meta), 1<<20); !errors.Is(err, ErrDuplicateMember) {
		t.Errorf("duplicate file: %v", err)
	}
	if err := readHostile(t, rawPackage(meta, a, meta), 1<<20); !errors.Is(err, ErrDuplicateMember) {
		t.Errorf("duplicate metadata: %v", err)
	}
	if err := readHostile(t, rawPackage(a), 1<<20); !errors.Is(err, ErrNoMetadata) {
		t.Errorf("no metadata: %v", err)
	}
	if err := readHostile(t, rawPackage(meta), 0); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("zero limit: %v", err)
	}
}

// TestReadPackageBoundsDecompressedSize refuses decompression bombs with Wazuh's error 3053,
// whether one member or the sum of several goes over the bound, and never writes much past it.
func TestReadPackageBoundsDecompressedSize(t *testing.T) {
	defer goleak.VerifyNone(t)
	bomb := zlibAt(t, make([]byte, 16<<20), 1)
	if len(bomb) > 256<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	half := zlibAt(t, make([]byte, 600<<10), 1)
	meta := zmember(t, metadataMember, "{}")
	cases := map[string][]byte{
		"one member":      rawPackage([2][]byte{[]byte("etc/shared/default/merged.mg"), bomb}, meta),
		"several members": rawPackage([2][]byte{[]byte("etc/a"), half}, [2][]byte{[]byte("etc/b"), half}, meta),
		"metadata":        rawPackage([2][]byte{[]byte(metadataMember), bomb}),
	}
	for name, data := range cases {
		err := readHostile(t, data, 1<<20)
		var we *messages.WazuhError
		if !errors.As(err, &we) || we.Code != 3053 {
			t.Errorf("%s: err = %v, want Wazuh error 3053", name, err)
		}
	}
	// Exactly at the bound is allowed.
	exact := rawPackage([2][]byte{[]byte("etc/a"), half}, zmember(t, metadataMember, "{}"))
	if err := readHostile(t, exact, 600<<10+2); err != nil {
		t.Errorf("package at the bound: %v", err)
	}
}

// TestReadPackageDoesNotFollowSymlinksInDest: a symbolic link planted in the extraction folder
// (to a folder or to a file outside) is never followed nor replaced.
func TestReadPackageDoesNotFollowSymlinksInDest(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	victim := putFile(t, outside, "victim", []byte("precious"))
	dest := filepath.Join(base, "dest")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dest, "etc")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dest, "keys")); err != nil {
		t.Fatal(err)
	}
	meta := zmember(t, metadataMember, "{}")
	for _, name := range []string{"etc/evil", "etc/victim", "keys"} {
		data := rawPackage(zmember(t, name, "pwned"), meta)
		if _, _, err := ReadPackageFrom(bytes.NewReader(data), dest, 1<<20); err == nil {
			t.Errorf("%s: extraction through a symbolic link succeeded", name)
		}
	}
	linked := filepath.Join(base, "linked")
	if err := os.Symlink(outside, linked); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadPackageFrom(bytes.NewReader(rawPackage(zmember(t, "etc/x", "pwned"), meta)), linked, 1<<20); err == nil {
		t.Error("extraction into a symbolic link succeeded")
	}
	if left := listTree(t, outside); len(left) != 1 {
		t.Errorf("outside holds %v", left)
	}
	if got, _ := os.ReadFile(victim); string(got) != "precious" {
		t.Errorf("victim = %q", got)
	}
}

// TestReadPackageBoundsMetadataBelowTheTotal refuses a metadata member over MetadataLimit with
// 3053 even when the package's total bound would allow it, allocating little more than that
// bound, and accepts one just under it.
func TestReadPackageBoundsMetadataBelowTheTotal(t *testing.T) {
	const maxTotal = 256 << 20
	limit := MetadataLimit(maxTotal)
	if limit != 32<<20 || MetadataLimit(1<<30) != 128<<20 || MetadataLimit(8<<20) != 8<<20 {
		t.Fatalf("MetadataLimit: %d, %d, %d", limit, MetadataLimit(1<<30), MetadataLimit(8<<20))
	}
	bomb := rawPackage([2][]byte{[]byte(metadataMember), zlibAt(t, bytes.Repeat([]byte(" "), int(limit)+1), 9)})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := readHostile(t, bomb, maxTotal)
	runtime.ReadMemStats(&after)
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Code != 3053 {
		t.Fatalf("metadata over its bound: err = %v, want Wazuh error 3053", err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > uint64(3*limit) {
		t.Fatalf("refusing %d MiB of metadata allocated %d MiB", limit>>20, allocated>>20)
	}
	under := rawPackage([2][]byte{[]byte(metadataMember), zlibAt(t, append([]byte("{}"), bytes.Repeat([]byte(" "), int(limit)-2)...), 9)})
	if err := readHostile(t, under, maxTotal); err != nil {
		t.Fatalf("metadata at its bound: %v", err)
	}
}

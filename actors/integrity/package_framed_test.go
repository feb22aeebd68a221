package integrity

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFramedPackageRoundTrip: a FormatFramed package of the master's files extracts to the same
// files and metadata, and a Wazuh-format package of the same diff still starts with a path.
func TestFramedPackageRoundTrip(t *testing.T) {
	home := t.TempDir()
	files := map[string]string{
		"etc/rules/local_rules.xml":     strings.Repeat("<rule id=\"100001\" level=\"5\"/>\n", 5000),
		"etc/shared/default/agent.conf": "<agent_config/>\n",
		"etc/lists/empty":               "",
	}
	diff := Diff{Missing: Metadata{}, Shared: Metadata{}, Extra: Metadata{}}
	for rel, content := range files {
		p := filepath.Join(home, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		diff.Missing[rel] = FileMeta{ClusterItemKey: "etc/", Hash: "h"}
	}
	for _, format := range []PackageFormat{FormatFramed, FormatWazuh} {
		var pkg bytes.Buffer
		sent, _, err := BuildMasterPackageFormat(&pkg, format, "", home, diff, DefaultCompressLevel, 1<<30, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(pkg.String(), framedMagic); got != (format == FormatFramed) {
			t.Fatalf("format %d: magic %v", format, got)
		}
		dest := filepath.Join(t.TempDir(), "x")
		out, meta, err := ReadPackageFrom(bytes.NewReader(pkg.Bytes()), dest, 1<<30)
		if err != nil {
			t.Fatalf("format %d: %v", format, err)
		}
		if want := sent.MarshalPython(); !bytes.Equal(meta, want) {
			t.Fatalf("format %d: metadata %q, want %q", format, meta, want)
		}
		for rel, content := range files {
			b, err := os.ReadFile(out[rel])
			if err != nil || string(b) != content {
				t.Fatalf("format %d: %s = %d bytes (%v), want %d", format, rel, len(b), err, len(content))
			}
		}
	}
}

// TestFramedPackageHostile: a FormatFramed package that lies about lengths, inflates past the
// bound or holds a bad name is refused without writing outside the extraction folder.
func TestFramedPackageHostile(t *testing.T) {
	frame := encodeS2
	member := func(name string, body []byte) []byte {
		return append(appendMemberHeader(nil, name, int64(len(body))), body...)
	}
	meta := member(metadataMember, frame([]byte("{}")))
	cases := map[string][]byte{
		"truncated body":   append(appendMemberHeader(nil, "etc/a", 100), frame([]byte("abc"))...),
		"escaping name":    append(member("../evil", frame([]byte("x"))), meta...),
		"over the bound":   append(member("etc/big", frame(make([]byte, 4096))), meta...),
		"not S2":           append(member("etc/a", []byte("plain text")), meta...),
		"name too long":    []byte("\xff\xff\x03"),
		"garbage after":    append(member("etc/a", append(frame([]byte("a")), 1, 2, 3)), meta...),
		"no metadata":      member("etc/a", frame([]byte("a"))),
		"duplicate member": append(append(member("etc/a", frame([]byte("a"))), member("etc/a", frame([]byte("a")))...), meta...),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			pkg := append([]byte(framedMagic), body...)
			if _, _, err := ReadPackageFrom(bytes.NewReader(pkg), filepath.Join(dir, "x"), 1024); err == nil {
				t.Fatal("accepted")
			} else if name == "over the bound" && !errors.Is(err, errDecompressedTooLarge) && !strings.Contains(err.Error(), "3053") {
				t.Logf("refused with %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
				t.Fatal("wrote outside the extraction folder")
			}
		})
	}
}

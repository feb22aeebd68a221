package integrity

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadPackage feeds arbitrary bytes to the reader: it must not panic, must create nothing
// outside its extraction folder (and remove that folder on error), and whatever it accepts must
// be what Wazuh's in-memory reader makes of the same bytes.
func FuzzReadPackage(f *testing.F) {
	f.Add(pkgVectorHex(f, "master_to_worker_zip.hex"))
	f.Add(pkgVectorHex(f, "worker_to_master_zip.hex"))
	sample, _, _ := samplePackage(f, false)
	f.Add(sample)
	meta := zmember(f, metadataMember, "{}")
	f.Add(rawPackage(zmember(f, "../evil", "x"), meta))
	f.Add(rawPackage(zmember(f, "etc/a", "x"), zmember(f, "etc/a/b", "y"), meta))
	f.Add(rawPackage([2][]byte{[]byte("etc/a"), zlibAt(f, make([]byte, 1<<20), 1)}, meta))
	f.Add(append(rawPackage(meta), entrySeparator...))
	f.Add([]byte("etc/a|//@@//|@@//@@|"))
	// clusterd's framed S2 format, which the same reader recognises by its magic line.
	framed := func(name string, body []byte) []byte {
		return append(appendMemberHeader(nil, name, int64(len(body))), body...)
	}
	fmeta := framed(metadataMember, encodeS2([]byte("{}")))
	f.Add(append(append([]byte(framedMagic), framed("etc/a", encodeS2([]byte("abc")))...), fmeta...))
	f.Add(append(append([]byte(framedMagic), framed("../evil", encodeS2([]byte("x")))...), fmeta...))
	f.Add(append([]byte(framedMagic), appendMemberHeader(nil, "etc/a", 1<<40)...))

	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		dest := filepath.Join(base, "dest")
		files, metaJSON, err := ReadPackageFrom(bytes.NewReader(data), dest, 256<<10)
		onlyUnder(t, base, "dest")
		if err != nil {
			if _, statErr := os.Lstat(dest); !errors.Is(statErr, os.ErrNotExist) {
				t.Fatalf("dest left after error %v", err)
			}
			return
		}
		if bytes.HasPrefix(data, []byte(framedMagic)) {
			return // clusterd's own format: only the bounds above apply, Wazuh never reads it
		}
		naive, err := naiveParse(data)
		if err != nil {
			t.Fatalf("accepted a package Wazuh's reader refuses: %v", err)
		}
		if len(naive) != len(files)+1 {
			t.Fatalf("%d files, Wazuh's reader sees %d members", len(files), len(naive))
		}
		for _, m := range naive {
			if m.name == metadataMember {
				if !bytes.Equal(m.plain, metaJSON) {
					t.Fatal("metadata differs from Wazuh's reading")
				}
				continue
			}
			got, err := os.ReadFile(files[m.name])
			if err != nil || !bytes.Equal(got, m.plain) {
				t.Fatalf("%q differs from Wazuh's reading (%v)", m.name, err)
			}
		}
	})
}

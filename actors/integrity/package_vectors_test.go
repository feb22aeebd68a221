package integrity

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// TestVectorPackagesParseToTheirLayout reads the two packages real Wazuh nodes built: members in
// order with the recorded compressed and plain lengths and SHA-256, and a metadata member equal
// to the recorded files_metadata.json.
func TestVectorPackagesParseToTheirLayout(t *testing.T) {
	cases := []struct{ zip, layout, metadata string }{
		{"master_to_worker_zip.hex", "master_to_worker_zip.layout.json", "master_to_worker_files_metadata.json"},
		{"worker_to_master_zip.hex", "worker_to_master_zip.layout.json", "worker_files_metadata.json"},
	}
	for _, c := range cases {
		t.Run(c.zip, func(t *testing.T) {
			data := pkgVectorHex(t, c.zip)
			layout := pkgVectorLayout(t, c.layout)
			members := scanMembers(t, data)
			if len(members) != len(layout) {
				t.Fatalf("%d members, layout has %d", len(members), len(layout))
			}
			for i, want := range layout {
				got := members[i]
				if got.name != want.Name || got.compressed != want.CompressedLen ||
					len(got.plain) != want.PlainLen || sha256Hex(got.plain) != want.PlainSHA256 {
					t.Errorf("member %d = %s (%d→%d bytes, %s), want %+v",
						i, got.name, got.compressed, len(got.plain), sha256Hex(got.plain), want)
				}
			}

			pkg := filepath.Join(t.TempDir(), "w1-1700000000.0-abc.zip")
			if err := os.WriteFile(pkg, data, 0o600); err != nil {
				t.Fatal(err)
			}
			dest := pkg + "dir"
			files, meta, err := ReadPackage(pkg, dest, 1<<30)
			if err != nil {
				t.Fatalf("ReadPackage: %v", err)
			}
			if want := pkgVectorBytes(t, c.metadata); !bytes.Equal(meta, want) {
				t.Errorf("metadata member differs from %s", c.metadata)
			}
			if len(files) != len(layout)-1 {
				t.Errorf("%d files extracted, want %d", len(files), len(layout)-1)
			}
			for _, want := range layout[:len(layout)-1] {
				got, err := os.ReadFile(files[want.Name])
				if err != nil {
					t.Fatalf("%s: %v", want.Name, err)
				}
				if sha256Hex(got) != want.PlainSHA256 {
					t.Errorf("%s: extracted bytes differ", want.Name)
				}
				if files[want.Name] != filepath.Join(dest, filepath.FromSlash(want.Name)) {
					t.Errorf("%s extracted to %s", want.Name, files[want.Name])
				}
			}
			if _, ok := files[metadataMember]; ok {
				t.Error("files_metadata.json listed as a file")
			}
		})
	}
}

// TestBuildMasterPackageFromVectorTree builds the master's package from the master tree and the
// real compare_files() result: same members (order aside) and plain bytes as the package the
// real master built, every body a zlib stream with the level-1 header, and a metadata member
// equal to the diff.
func TestBuildMasterPackageFromVectorTree(t *testing.T) {
	diff, err := ParseDiff(pkgVectorBytes(t, "master_to_worker_files_metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sent, stats, err := BuildMasterPackage(&out, filepath.Join(pkgVectors, "trees", "master"), diff, DefaultCompressLevel, 1<<30, 0)
	if err != nil {
		t.Fatalf("BuildMasterPackage: %v", err)
	}
	if !reflect.DeepEqual(sent, diff) {
		t.Errorf("sent diff = %+v, want %+v", sent, diff)
	}
	if stats.Files != 8 || stats.Skipped != 0 || stats.Truncated || stats.Bytes != int64(out.Len()) {
		t.Errorf("stats = %+v (package %d bytes)", stats, out.Len())
	}

	layout := pkgVectorLayout(t, "master_to_worker_zip.layout.json")
	members := scanMembers(t, out.Bytes())
	if last := members[len(members)-1]; last.name != metadataMember {
		t.Fatalf("last member is %s", last.name)
	}
	byName := func(names []string) []string { sort.Strings(names); return names }
	var gotNames, wantNames []string
	want := make(map[string]pkgLayoutEntry)
	for _, e := range layout {
		wantNames = append(wantNames, e.Name)
		want[e.Name] = e
	}
	for _, m := range members {
		gotNames = append(gotNames, m.name)
		if m.name == metadataMember {
			continue
		}
		if w := want[m.name]; len(m.plain) != w.PlainLen || sha256Hex(m.plain) != w.PlainSHA256 {
			t.Errorf("%s: plain bytes differ from the real package's", m.name)
		}
	}
	if !reflect.DeepEqual(byName(gotNames), byName(wantNames)) {
		t.Errorf("members %v, want %v", gotNames, wantNames)
	}
	parsed, err := ParseDiff(members[len(members)-1].plain)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(parsed, diff) {
		t.Errorf("metadata member = %+v, want %+v", parsed, diff)
	}
	for _, entry := range bytes.Split(out.Bytes(), []byte(entrySeparator)) {
		_, body, _ := bytes.Cut(entry, []byte(pathSeparator))
		if !bytes.HasPrefix(body, []byte{0x78, 0x01}) {
			t.Errorf("body starts %x, want the level-1 zlib header 7801", body[:2])
		}
	}
	// Wazuh's own reader takes it: the in-memory split gives the same members.
	naive, err := naiveParse(out.Bytes())
	if err != nil || len(naive) != len(members) {
		t.Fatalf("naive parse: %d members, %v", len(naive), err)
	}
}

// TestBuildWorkerPackageCarriesOnlyMetadata builds a worker's package from the real worker's
// metadata: one files_metadata.json member that parses back to it.
func TestBuildWorkerPackageCarriesOnlyMetadata(t *testing.T) {
	meta, err := ParseMetadata(pkgVectorBytes(t, "worker_files_metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := BuildWorkerPackage(&out, meta, DefaultCompressLevel); err != nil {
		t.Fatal(err)
	}
	members := scanMembers(t, out.Bytes())
	if len(members) != 1 || members[0].name != metadataMember {
		t.Fatalf("members = %v", members)
	}
	back, err := ParseMetadata(members[0].plain)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, meta) {
		t.Errorf("metadata = %+v, want %+v", back, meta)
	}
	dest := filepath.Join(t.TempDir(), "x.zipdir")
	files, metaJSON, err := ReadPackageFrom(bytes.NewReader(out.Bytes()), dest, 1<<20)
	if err != nil || len(files) != 0 || !bytes.Equal(metaJSON, members[0].plain) {
		t.Errorf("ReadPackageFrom = %v, %d bytes, %v", files, len(metaJSON), err)
	}
}

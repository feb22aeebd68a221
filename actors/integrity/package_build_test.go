package integrity

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"testing"
)

func fileMeta(key, hash string) FileMeta {
	return FileMeta{ModTime: 1700000000, ClusterItemKey: key, Hash: hash}
}

// TestBuildMasterPackageAppliesTheLimitRules follows §5.4 on one package: a file over the limit
// is dropped from the metadata, the package fills up mid-way and the later files are dropped
// too, an unreadable missing file is dropped and an unreadable shared file moves to extra.
func TestBuildMasterPackageAppliesTheLimitRules(t *testing.T) {
	home := t.TempDir()
	putFile(t, home, "etc/rules/a_small.xml", randomBytes(1, 1000))
	putFile(t, home, "etc/rules/b_big.xml", randomBytes(2, 5000))
	putFile(t, home, "etc/rules/c_medium.xml", randomBytes(3, 3500))
	putFile(t, home, "etc/rules/d_tiny.xml", []byte("x"))
	if err := os.MkdirAll(home+"/etc/lists/0_folder", 0o755); err != nil {
		t.Fatal(err)
	}
	diff := Diff{
		Missing: Metadata{
			"etc/decoders/0_gone.xml": fileMeta("etc/decoders/", "01"),
			"etc/rules/a_small.xml":   fileMeta("etc/rules/", "02"),
			"etc/rules/b_big.xml":     fileMeta("etc/rules/", "03"),
			"etc/rules/c_medium.xml":  fileMeta("etc/rules/", "04"),
		},
		Shared: Metadata{
			"etc/lists/0_folder":   fileMeta("etc/lists/", "05"),
			"etc/rules/d_tiny.xml": fileMeta("etc/rules/", "06"),
		},
		Extra: Metadata{"etc/lists/old": fileMeta("etc/lists/", "07")},
	}
	original := Diff{Missing: cloneMetadata(diff.Missing), Shared: cloneMetadata(diff.Shared), Extra: cloneMetadata(diff.Extra)}

	var out bytes.Buffer
	sent, stats, err := BuildMasterPackage(&out, home, diff, 1, 4000, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := Diff{
		Missing: Metadata{"etc/rules/a_small.xml": fileMeta("etc/rules/", "02")},
		Shared:  Metadata{},
		Extra: Metadata{
			"etc/lists/old":      fileMeta("etc/lists/", "07"),
			"etc/lists/0_folder": fileMeta("etc/lists/", "05"),
		},
	}
	if !reflect.DeepEqual(sent, want) {
		t.Errorf("sent = %+v\nwant %+v", sent, want)
	}
	if !reflect.DeepEqual(diff, original) {
		t.Error("BuildMasterPackage changed its argument")
	}
	wantStats := PackageStats{
		Files: 1, Skipped: 5, Truncated: true, Bytes: int64(out.Len()),
		TooLarge:   []string{"etc/rules/b_big.xml"},
		Unreadable: []string{"etc/decoders/0_gone.xml", "etc/lists/0_folder"},
	}
	if !reflect.DeepEqual(stats, wantStats) {
		t.Errorf("stats = %+v\nwant %+v", stats, wantStats)
	}
	members := scanMembers(t, out.Bytes())
	if len(members) != 2 || members[0].name != "etc/rules/a_small.xml" || members[1].name != metadataMember {
		t.Fatalf("members = %v", members)
	}
	meta, err := ParseDiff(members[1].plain)
	if err != nil || !reflect.DeepEqual(meta, want) {
		t.Errorf("metadata member = %+v, %v", meta, err)
	}
}

func TestBuildMasterPackageEmptyDiff(t *testing.T) {
	var out bytes.Buffer
	sent, stats, err := BuildMasterPackage(&out, t.TempDir(), Diff{}, 1, 1<<20, 0)
	if err != nil || stats.Files != 0 || len(sent.Missing)+len(sent.Shared)+len(sent.Extra) != 0 {
		t.Fatalf("BuildMasterPackage = %+v, %+v, %v", sent, stats, err)
	}
	members := scanMembers(t, out.Bytes())
	if len(members) != 1 || string(members[0].plain) != `{"missing": {}, "extra": {}, "shared": {}}` {
		t.Errorf("members = %+v", members)
	}
}

func TestBuildPackagesFailOnWriteErrors(t *testing.T) {
	home := t.TempDir()
	putFile(t, home, "etc/client.keys", randomBytes(1, 100000))
	diff := Diff{Missing: Metadata{"etc/client.keys": fileMeta("etc/", "01")}}
	if _, _, err := BuildMasterPackage(&failingWriter{after: 10}, home, diff, 1, 1<<20, 0); err == nil {
		t.Error("BuildMasterPackage on a failing writer succeeded")
	}
	if _, _, err := BuildMasterPackage(&bytes.Buffer{}, home, diff, 42, 1<<20, 0); err == nil {
		t.Error("BuildMasterPackage at level 42 succeeded")
	}
	if err := BuildWorkerPackage(&failingWriter{}, Metadata{}, 1); err == nil {
		t.Error("BuildWorkerPackage on a failing writer succeeded")
	}
}

// The raw limit keeps a package within what the worker will inflate (max_zip_size): files are
// taken in order while they fit, a file that can never fit is too large, the rest wait.
func TestBuildMasterPackageRawLimit(t *testing.T) {
	home := t.TempDir()
	diff := Diff{Missing: Metadata{}, Extra: Metadata{}, Shared: Metadata{}}
	for i, size := range []int{100, 100, 100, 300} {
		rel := fmt.Sprintf("etc/shared/g/f%d", i)
		putFile(t, home, rel, bytes.Repeat([]byte("x"), size))
		diff.Missing[rel] = FileMeta{ClusterItemKey: "etc/shared/", Hash: "h"}
	}
	var out bytes.Buffer
	// A raw limit of 500 leaves a budget of 250 bytes (half, since it is below the reserve).
	sent, stats, err := BuildMasterPackage(&out, home, diff, 1, 1<<20, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Missing) != 2 || !stats.Truncated || len(stats.TooLarge) != 1 || stats.TooLarge[0] != "etc/shared/g/f3" {
		t.Fatalf("sent %v, stats %+v", sent.Missing, stats)
	}
}

// The room kept for files_metadata.json is what it needs, not a fixed share: files adding up
// to just under the raw limit less the metadata go in one package.
func TestBuildMasterPackageRawLimitKeepsRoomForMetadataOnly(t *testing.T) {
	home := t.TempDir()
	diff := Diff{Missing: Metadata{}, Extra: Metadata{}, Shared: Metadata{}}
	const fileSize = 10 << 20
	for i := range 3 {
		rel := fmt.Sprintf("etc/shared/g/f%d", i)
		putFile(t, home, rel, bytes.Repeat([]byte("x"), fileSize))
		diff.Missing[rel] = FileMeta{ClusterItemKey: "etc/shared/", Hash: "h"}
	}
	rawLimit := int64(3*fileSize) + int64(len(diff.MarshalPython())) + metadataMargin
	var out bytes.Buffer
	sent, stats, err := BuildMasterPackage(&out, home, diff, 1, 1<<30, rawLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Missing) != 3 || stats.Truncated {
		t.Fatalf("sent %d files, stats %+v", len(sent.Missing), stats)
	}
	// One byte less and the last file waits for the next round.
	sent, stats, err = BuildMasterPackage(&bytes.Buffer{}, home, diff, 1, 1<<30, rawLimit-1)
	if err != nil || len(sent.Missing) != 2 || !stats.Truncated {
		t.Fatalf("one byte short: sent %d files, stats %+v, %v", len(sent.Missing), stats, err)
	}
}

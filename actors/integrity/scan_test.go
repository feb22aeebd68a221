package integrity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestScanSelection checks which files each item takes: excluded names and extensions and
// temporary files never,
// etc/ only client.keys at its top, var/multigroups/ only merged.mg at any depth, the ruleset
// folders everything recursively; special files and undecodable names never.
func TestScanSelection(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	home := t.TempDir()
	take := []string{
		"etc/client.keys",
		"etc/shared/default/agent.conf",
		"etc/shared/a/b/c/deep.txt",
		"etc/shared/dir.tmp/inside.conf", // only file names are matched against exclusions
		"var/multigroups/abc/merged.mg",
		"etc/rules/local_rules.xml",
		"etc/decoders/sub/local_decoder.xml",
		"etc/lists/list",
	}
	leave := []string{
		"etc/ossec.conf",
		"etc/internal_options.conf",
		"etc/sub/client.keys",
		"etc/shared/ar.conf",
		"etc/shared/default/ossec.conf",
		"etc/shared/default/agent.conf~",
		"etc/shared/default/x.tmp",
		"etc/shared/default/x.lock",
		"etc/shared/default/.x.swp",
		"var/multigroups/abc/other.txt",
		"var/other/merged.mg",
		"etc/shared/bad\\name",
		// Temporary files a crash of a writer left behind (a ".merged" name would even be a
		// legacy merged entry, which every worker refuses).
		"etc/shared/default/.merged.mg.tmp-123",
		"etc/shared/default/.merged.mg.clusterd-4242.tmp",
		"etc/.client.keys.tmp-77",
		"etc/rules/.local_rules.xml.tmp4242",
	}
	for _, rel := range append(slices.Clone(take), leave...) {
		writeFile(t, home, rel, "data of "+rel, vectorTime)
	}
	if err := os.WriteFile(filepath.Join(home, "etc/shared/default", "bad\xffname"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	meta, stats := mustScan(t, &Scanner{Home: home}, nil)
	if got := slices.Sorted(maps.Keys(meta)); !slices.Equal(got, slices.Sorted(slices.Values(take))) {
		t.Fatalf("scanned %v\nwant %v", got, slices.Sorted(slices.Values(take)))
	}
	if stats.Skipped != 2 {
		t.Errorf("Skipped = %d, want 2 (the two unportable names)", stats.Skipped)
	}
	for rel, want := range map[string]string{
		"etc/client.keys":                    "etc/",
		"etc/shared/a/b/c/deep.txt":          "etc/shared/",
		"var/multigroups/abc/merged.mg":      "var/multigroups/",
		"etc/decoders/sub/local_decoder.xml": "etc/decoders/",
	} {
		if got := meta[rel].ClusterItemKey; got != want {
			t.Errorf("%s: cluster_item_key %q, want %q", rel, got, want)
		}
	}
}

// TestScanMergedFile: walk_dir marks a file whose name contains ".merged" as a legacy merged
// file named by its absolute path.
func TestScanMergedFile(t *testing.T) {
	home := t.TempDir()
	writeFile(t, home, "etc/shared/default/TYPE-shared.merged", "x", vectorTime)
	meta, _ := mustScan(t, &Scanner{Home: home}, nil)
	got := meta["etc/shared/default/TYPE-shared.merged"]
	abs := filepath.Join(home, "etc/shared/default/TYPE-shared.merged")
	if !got.Merged || got.MergeType != "TYPE" || got.MergeName != abs {
		t.Errorf("merged entry = %+v, want merged, TYPE, %s", got, abs)
	}
}

// TestScanModTimeIsPythons: mod_time is Python's st_mtime, and is written in Python's repr.
func TestScanModTimeIsPythons(t *testing.T) {
	home := t.TempDir()
	writeFile(t, home, "etc/rules/a.xml", "a", time.Unix(1700000000, 123456000))
	writeFile(t, home, "etc/rules/b.xml", "b", time.Unix(1700000000, 0))
	meta, _ := mustScan(t, &Scanner{Home: home}, nil)
	for rel, want := range map[string]string{"etc/rules/a.xml": `"mod_time": 1700000000.123456,`, "etc/rules/b.xml": `"mod_time": 1700000000.0,`} {
		text := string(Metadata{rel: meta[rel]}.MarshalPython())
		if !strings.Contains(text, want) {
			t.Errorf("%s encodes as %s, want %s", rel, text, want)
		}
	}
}

// TestScanMtimeCache: an unchanged file keeps its hash without being read; a changed one
// (new mtime) is hashed again; a new one is hashed; a deleted one disappears.
func TestScanMtimeCache(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	home := copyVectorTree(t, "master")
	s := &Scanner{Home: home}
	first, stats := mustScan(t, s, nil)
	if stats.Hashed != int64(len(first)) {
		t.Fatalf("first scan hashed %d of %d", stats.Hashed, len(first))
	}

	second, stats := mustScan(t, s, first)
	if stats.Hashed != 0 || stats.BytesHashed != 0 {
		t.Errorf("unchanged tree: hashed %d files (%d bytes), want 0", stats.Hashed, stats.BytesHashed)
	}
	if !maps.Equal(first, second) {
		t.Errorf("unchanged tree gave different metadata")
	}

	changed := writeFile(t, home, "etc/rules/local_rules.xml", "<group/>\n", vectorTime.Add(time.Second))
	writeFile(t, home, "etc/lists/new-list", "k:v\n", vectorTime)
	if err := os.Remove(filepath.Join(home, "etc/decoders/local_decoder.xml")); err != nil {
		t.Fatal(err)
	}
	third, stats := mustScan(t, s, second)
	if stats.Hashed != 2 {
		t.Errorf("after one change and one new file: hashed %d, want 2", stats.Hashed)
	}
	want, err := HashFile(changed)
	if err != nil {
		t.Fatal(err)
	}
	if got := third["etc/rules/local_rules.xml"]; got.Hash != want || got.ModTime != 1700000001 {
		t.Errorf("changed file: %+v, want hash %s and mod_time 1700000001", got, want)
	}
	if _, ok := third["etc/decoders/local_decoder.xml"]; ok {
		t.Errorf("deleted file still listed")
	}
	if _, ok := third["etc/lists/new-list"]; !ok {
		t.Errorf("new file not listed")
	}
}

// TestScanWazuhRuleWithoutCache: a Scanner that has not seen the files yet trusts prev's hash
// when mod_time matches, exactly as Wazuh does (the file is not even read).
func TestScanWazuhRuleWithoutCache(t *testing.T) {
	home := t.TempDir()
	writeFile(t, home, "etc/rules/a.xml", "a", vectorTime)
	prev := Metadata{"etc/rules/a.xml": {ModTime: 1700000000, ClusterItemKey: "bogus/", Hash: "remembered"}}
	meta, stats := mustScan(t, &Scanner{Home: home}, prev)
	if stats.Hashed != 0 {
		t.Errorf("hashed %d files, want 0", stats.Hashed)
	}
	if got := meta["etc/rules/a.xml"]; got.Hash != "remembered" || got.ClusterItemKey != "etc/rules/" {
		t.Errorf("entry = %+v, want prev's hash under the current item key", got)
	}
}

// TestScanPrevSemantics: without previous metadata every file is read, even by a Scanner that
// knows them; with it, the Scanner trusts the hashes it computed itself over prev's.
func TestScanPrevSemantics(t *testing.T) {
	home := copyVectorTree(t, "worker")
	s := &Scanner{Home: home}
	first, _ := mustScan(t, s, nil)
	if _, stats := mustScan(t, s, nil); stats.Hashed != int64(len(first)) {
		t.Errorf("prev == nil: hashed %d of %d", stats.Hashed, len(first))
	}
	stale := Metadata{}
	for rel, f := range first {
		f.Hash = "stale"
		stale[rel] = f
	}
	again, stats := mustScan(t, s, stale)
	if stats.Hashed != 0 || !maps.Equal(again, first) {
		t.Errorf("stale prev: hashed %d, metadata %v; want the Scanner's own hashes", stats.Hashed, again)
	}
}

// TestScanSameMtimeOtherContents: contents changed with the mtime put back (cp -p, tar, touch
// -d). Wazuh's rule alone would keep the old hash; the Scanner's own cache notices.
func TestScanSameMtimeOtherContents(t *testing.T) {
	if !statHasChangeTime {
		t.Skip("no ctime on this platform: same size and mtime look unchanged")
	}
	home := t.TempDir()
	p := writeFile(t, home, "etc/shared/default/agent.conf", "one", vectorTime)
	s := &Scanner{Home: home}
	first, _ := mustScan(t, s, nil)
	writeFile(t, home, "etc/shared/default/agent.conf", "two", vectorTime)
	second, stats := mustScan(t, s, first)
	want, err := HashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Hashed != 1 || second["etc/shared/default/agent.conf"].Hash != want {
		t.Errorf("hashed %d, hash %s; want the new contents' hash %s", stats.Hashed, second["etc/shared/default/agent.conf"].Hash, want)
	}
}

// TestScanRacyFile: a file modified just before the scan is hashed again on the next scan,
// because a write in the same clock tick would not have changed its mtime; once its mtime is
// old enough it is trusted.
func TestScanRacyFile(t *testing.T) {
	home := t.TempDir()
	p := writeFile(t, home, "etc/rules/fresh.xml", "x", time.Now())
	s := &Scanner{Home: home}
	first, _ := mustScan(t, s, nil)
	second, stats := mustScan(t, s, first)
	if stats.Hashed != 1 {
		t.Errorf("racy file: hashed %d, want 1", stats.Hashed)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	third, stats := mustScan(t, s, second)
	if stats.Hashed != 1 {
		t.Errorf("after new mtime: hashed %d, want 1", stats.Hashed)
	}
	if _, stats = mustScan(t, s, third); stats.Hashed != 0 {
		t.Errorf("old file: hashed %d, want 0", stats.Hashed)
	}
}

// TestScanSkipsSymlinks: symlinked files and folders are never followed, wherever they point,
// and an item whose folder (or a folder above it) is a symlink is skipped and reported.
func TestScanSkipsSymlinks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	home, outside := t.TempDir(), t.TempDir()
	writeFile(t, outside, "secret", "secret", vectorTime)
	writeFile(t, outside, "dir/inner.conf", "inner", vectorTime)
	writeFile(t, outside, "rules/r.xml", "r", vectorTime)
	writeFile(t, home, "etc/shared/default/agent.conf", "a", vectorTime)
	writeFile(t, home, "etc/lists/real", "l", vectorTime)
	links := map[string]string{
		"etc/shared/default/link.conf": filepath.Join(outside, "secret"),
		"etc/shared/linked-group":      filepath.Join(outside, "dir"),
		"etc/client.keys":              filepath.Join(outside, "secret"),
		"etc/lists/dangling":           filepath.Join(outside, "absent"),
		"etc/rules":                    filepath.Join(outside, "rules"),
	}
	for rel, target := range links {
		if err := os.Symlink(target, filepath.Join(home, rel)); err != nil {
			t.Fatal(err)
		}
	}
	meta, stats := mustScan(t, &Scanner{Home: home}, nil)
	if got := slices.Sorted(maps.Keys(meta)); !slices.Equal(got, []string{"etc/lists/real", "etc/shared/default/agent.conf"}) {
		t.Errorf("scanned %v", got)
	}
	if stats.Skipped != 5 {
		t.Errorf("Skipped = %d, want 5 (four links, one linked item folder)", stats.Skipped)
	}
	if len(stats.Errors) != 1 || !errors.Is(stats.Errors[0], ErrSymlinkedFolder) {
		t.Errorf("Errors = %v, want one ErrSymlinkedFolder", stats.Errors)
	}
}

func TestScanMissingFoldersAndBadHome(t *testing.T) {
	meta, stats := mustScan(t, &Scanner{Home: t.TempDir()}, nil)
	if len(meta) != 0 || stats.Skipped != 0 || len(stats.Errors) != 0 {
		t.Errorf("empty home: %v %+v", meta, stats)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, home := range []string{"", filepath.Join(t.TempDir(), "absent"), file} {
		if _, _, err := (&Scanner{Home: home}).Scan(context.Background(), nil); !errors.Is(err, ErrHomeNotDir) {
			t.Errorf("Scan(%q) error = %v, want ErrHomeNotDir", home, err)
		}
	}
}

// TestScanConcurrentCalls: concurrent Scans on one Scanner are serialised, so its cache is
// never raced (run with -race).
func TestScanConcurrentCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := &Scanner{Home: copyVectorTree(t, "master"), Workers: 2}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, _, err := s.Scan(context.Background(), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestScanLargeFolder: a folder whose listing spans many getdents calls is read completely,
// and no folder descriptor is left open afterwards.
func TestScanLargeFolder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	home := t.TempDir()
	const n = 3000
	for i := range n {
		writeFile(t, home, fmt.Sprintf("etc/shared/big-group/%s-%04d.conf", strings.Repeat("x", 60), i), "x", vectorTime)
	}
	before := openFiles(t)
	meta, _ := mustScan(t, &Scanner{Home: home, Workers: 3}, nil)
	if len(meta) != n {
		t.Errorf("scanned %d files, want %d", len(meta), n)
	}
	if after := openFiles(t); after != before {
		t.Errorf("%d descriptors open after the scan, %d before", after, before)
	}
}

// openFiles counts this process's open descriptors, where /proc shows them.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(fds)
}

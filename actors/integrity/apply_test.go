package integrity

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// applyVectorSync runs the vectors' sync end to end: the master's package built from the master
// tree and the real compare_files() result, read and applied on a copy of the worker tree.
func applyVectorSync(t *testing.T) (home string, result ApplyResult) {
	t.Helper()
	diff, err := ParseDiff(pkgVectorBytes(t, "master_to_worker_files_metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg bytes.Buffer
	if _, _, err := BuildMasterPackage(&pkg, filepath.Join(pkgVectors, "trees", "master"), diff, 1, 1<<30, 0); err != nil {
		t.Fatal(err)
	}
	home = t.TempDir()
	copyTreeWritable(t, filepath.Join(pkgVectors, "trees", "worker"), home)
	// A file only excluded files keep company with: its folder goes with it.
	putFile(t, home, "etc/shared/old-group/ar.conf", []byte("excluded"))
	dest := filepath.Join(t.TempDir(), "pkgdir")
	files, metaJSON, err := ReadPackageFrom(&pkg, dest, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	received, err := ParseDiff(metaJSON)
	if err != nil {
		t.Fatal(err)
	}
	return home, Apply(home, received, files)
}

func TestApplyVectorSync(t *testing.T) {
	home, result := applyVectorSync(t)
	if result.Created != 6 || result.Updated != 2 || result.Deleted != 2 || result.Failed() != 0 || !result.RulesetChanged {
		t.Fatalf("result = %+v", result)
	}
	master := filepath.Join(pkgVectors, "trees", "master")
	for _, e := range pkgVectorLayout(t, "master_to_worker_zip.layout.json") {
		if e.Name == metadataMember {
			continue
		}
		got, err := os.ReadFile(filepath.Join(home, e.Name))
		want, _ := os.ReadFile(filepath.Join(master, e.Name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the master's (%v)", e.Name, err)
		}
		fi, err := os.Stat(filepath.Join(home, e.Name))
		if err != nil {
			t.Fatal(err)
		}
		wantMode := fs.FileMode(0o660)
		if e.Name == "etc/client.keys" {
			wantMode = 0o640
		}
		if fi.Mode().Perm() != wantMode {
			t.Errorf("%s mode %o, want %o", e.Name, fi.Mode().Perm(), wantMode)
		}
	}
	for _, gone := range []string{"etc/rules/worker_only.xml", "etc/shared/old-group"} {
		if _, err := os.Lstat(filepath.Join(home, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there (%v)", gone, err)
		}
	}
	// Folders the apply created have Wazuh's mode whatever the umask.
	for _, dir := range []string{"etc/decoders", "etc/lists", "etc/shared/group-a", "var/multigroups/3f5a1c2b"} {
		if fi, err := os.Stat(filepath.Join(home, dir)); err != nil || fi.Mode().Perm() != 0o770 {
			t.Errorf("%s: %v, %v", dir, fi.Mode(), err)
		}
	}
	for _, p := range listTree(t, home) {
		if strings.HasSuffix(p, ".tmp") {
			t.Errorf("temporary file left: %s", p)
		}
	}
}

// applyOne applies one entry of one section and returns the result.
func applyOne(t *testing.T, home, section, rel string, meta FileMeta, files map[string]string) ApplyResult {
	t.Helper()
	diff := Diff{}
	switch section {
	case "missing":
		diff.Missing = Metadata{rel: meta}
	case "shared":
		diff.Shared = Metadata{rel: meta}
	case "extra":
		diff.Extra = Metadata{rel: meta}
	}
	return Apply(home, diff, files)
}

func TestApplyRefusesEntriesOutsideTheirItem(t *testing.T) {
	home := t.TempDir()
	src := putFile(t, t.TempDir(), "x", []byte("payload"))
	cases := []struct {
		rel  string
		key  string
		want string
	}{
		{"etc/shared/default/agent.conf", "etc/nope/", "invalid cluster_item_key"},
		{"etc/ossec.conf", "etc/", "not synchronised"},
		{"etc/shared/default/ar.conf", "etc/shared/", "not synchronised"},
		{"etc/rules/x.xml.swp", "etc/rules/", "not synchronised"},
		{"etc/sub/client.keys", "etc/", "not synchronised"},
		{"var/multigroups/abc/other", "var/multigroups/", "not synchronised"},
		{"var/x", "etc/shared/", "outside allowed directory"},
		{"etc/shared/../../evil", "etc/shared/", "outside allowed directory"},
		{"/etc/shared/evil", "etc/shared/", "outside allowed directory"},
		{"etc/shared", "etc/shared/", "outside allowed directory"},
	}
	for _, c := range cases {
		for _, section := range []string{"missing", "shared", "extra"} {
			r := applyOne(t, home, section, c.rel, fileMeta(c.key, "00"), map[string]string{c.rel: src})
			if r.Failed() != 1 || len(r.Messages) != 1 || !strings.Contains(r.Messages[0], c.want) {
				t.Errorf("%s %s (%s): %+v", section, c.rel, c.key, r)
			}
		}
	}
	if r := applyOne(t, home, "missing", "etc/rules/a.xml", FileMeta{ClusterItemKey: "etc/rules/", Merged: true}, nil); !strings.Contains(fmt.Sprint(r.Messages), "merged") {
		t.Errorf("merged entry: %+v", r)
	}
	if r := applyOne(t, home, "missing", "etc/rules/a.xml", fileMeta("etc/rules/", "00"), nil); r.Errors.Creating != 1 || !strings.Contains(r.Messages[0], "not found in the package") {
		t.Errorf("file missing from the package: %+v", r)
	}
	if left := listTree(t, home); len(left) > 3 {
		t.Errorf("home holds %v", left)
	}
}

// TestApplyRefusesSymlinkEscapes: a folder inside etc/shared that is a symbolic link to
// elsewhere is never written through nor deleted through; neither is an item folder that is a
// link. A destination that is itself a link is replaced, not followed.
func TestApplyRefusesSymlinkEscapes(t *testing.T) {
	home := t.TempDir()
	outside := t.TempDir()
	victim := putFile(t, outside, "agent.conf", []byte("precious"))
	putFile(t, home, "etc/shared/default/agent.conf", []byte("old"))
	if err := os.Symlink(outside, filepath.Join(home, "etc/shared/evil")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "rules"), filepath.Join(home, "etc/rules")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(outside, "rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := putFile(t, t.TempDir(), "x", []byte("pwned"))
	files := map[string]string{"etc/shared/evil/agent.conf": src, "etc/shared/evil/new.conf": src, "etc/rules/r.xml": src}

	r := Apply(home, Diff{
		Missing: Metadata{"etc/shared/evil/new.conf": fileMeta("etc/shared/", "00"), "etc/rules/r.xml": fileMeta("etc/rules/", "00")},
		Shared:  Metadata{"etc/shared/evil/agent.conf": fileMeta("etc/shared/", "00")},
		Extra:   Metadata{"etc/shared/evil/agent.conf2": fileMeta("etc/shared/", "00")},
	}, files)
	if r.Errors.Creating != 2 || r.Errors.Overwriting != 1 || r.Errors.Removing != 1 || r.RulesetChanged {
		t.Fatalf("result = %+v", r)
	}
	for _, m := range r.Messages {
		if !strings.Contains(m, "outside allowed directory") {
			t.Errorf("message %q", m)
		}
	}
	if got := listTree(t, outside); !reflect.DeepEqual(got, []string{"agent.conf", "rules"}) {
		t.Errorf("outside holds %v", got)
	}
	if got, _ := os.ReadFile(victim); string(got) != "precious" {
		t.Errorf("victim = %q", got)
	}

	// The destination itself is a link to outside: the link is replaced by the file.
	link := filepath.Join(home, "etc/shared/default/agent.conf")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	r = applyOne(t, home, "shared", "etc/shared/default/agent.conf", fileMeta("etc/shared/", "00"),
		map[string]string{"etc/shared/default/agent.conf": src})
	if r.Updated != 1 || r.Failed() != 0 {
		t.Fatalf("result = %+v", r)
	}
	if fi, err := os.Lstat(link); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("destination is %v (%v)", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(victim); string(got) != "precious" {
		t.Errorf("victim = %q", got)
	}
}

// TestApplyRemovesEmptiedFolders follows remove_subdirs_if_empty: folders a deletion leaves
// empty or holding only excluded files go, up to the item's folder; other items keep theirs.
func TestApplyRemovesEmptiedFolders(t *testing.T) {
	home := t.TempDir()
	for _, rel := range []string{
		"etc/shared/g1/agent.conf", "etc/shared/g1/ar.conf", "etc/shared/g1/.agent.conf.tmp",
		"etc/shared/g2/keep.conf", "etc/shared/g2/sub/deep/x.conf",
		"etc/shared/g3/sub/y.conf",
		"etc/rules/sub/r.xml",
		"var/multigroups/abc/merged.mg",
	} {
		putFile(t, home, rel, []byte(rel))
	}
	if err := os.MkdirAll(filepath.Join(home, "etc/shared/g4/emptysub"), 0o755); err != nil {
		t.Fatal(err)
	}
	putFile(t, home, "etc/shared/g4/z.conf", nil)
	extra := Metadata{}
	for _, rel := range []string{"etc/shared/g1/agent.conf", "etc/shared/g2/sub/deep/x.conf", "etc/shared/g3/sub/y.conf", "etc/shared/g4/z.conf", "etc/shared/g5/gone.conf"} {
		extra[rel] = fileMeta("etc/shared/", "00")
	}
	extra["etc/rules/sub/r.xml"] = fileMeta("etc/rules/", "00")
	extra["var/multigroups/abc/merged.mg"] = fileMeta("var/multigroups/", "00")

	r := Apply(home, Diff{Extra: extra}, nil)
	if r.Deleted != 6 || r.Failed() != 0 || !r.RulesetChanged {
		t.Fatalf("result = %+v", r)
	}
	want := []string{
		"etc", "etc/rules", "etc/rules/sub", "etc/shared",
		"etc/shared/g2", "etc/shared/g2/keep.conf",
		"etc/shared/g4", "etc/shared/g4/emptysub",
		"var", "var/multigroups",
	}
	if got := listTree(t, home); !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v\nwant %v", got, want)
	}
}

func TestApplyExtraEdgeCases(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "etc/shared/dir.conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	putFile(t, home, "etc/shared/file", []byte("f"))
	r := Apply(home, Diff{Extra: Metadata{
		"etc/shared/dir.conf":         fileMeta("etc/shared/", "00"),
		"etc/shared/file/below":       fileMeta("etc/shared/", "00"),
		"etc/lists/absent":            fileMeta("etc/lists/", "00"),
		"var/multigroups/a/merged.mg": fileMeta("var/multigroups/", "00"),
	}}, nil)
	if r.Deleted != 0 || r.Errors.Removing != 1 || !strings.Contains(r.Messages[0], "is a directory") || r.RulesetChanged {
		t.Errorf("result = %+v", r)
	}
	if _, err := os.Stat(filepath.Join(home, "var")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("removing from a missing item folder created it")
	}
}

// TestApplyIsAtomic: a failure between writing the temporary file and renaming it leaves the
// old file and no temporary file; a temporary file left by a crash is replaced by the next
// apply, which leaves none.
func TestApplyIsAtomic(t *testing.T) {
	home := t.TempDir()
	dst := putFile(t, home, "etc/shared/default/agent.conf", []byte("old"))
	if err := os.Chmod(dst, 0o600); err != nil {
		t.Fatal(err)
	}
	src := putFile(t, t.TempDir(), "new", []byte("new contents"))
	files := map[string]string{"etc/shared/default/agent.conf": src}
	diff := Diff{Shared: Metadata{"etc/shared/default/agent.conf": fileMeta("etc/shared/", "00")}}

	a := newApplier(home, files)
	var sawTemp bool
	a.beforeRename = func(tmp string) error {
		got, err := os.ReadFile(filepath.Join(home, "etc/shared", tmp))
		sawTemp = err == nil && string(got) == "new contents"
		return errors.New("power cut")
	}
	r := a.apply(diff)
	a.close()
	if !sawTemp || r.Errors.Overwriting != 1 || r.Updated != 0 || !strings.Contains(r.Messages[0], "power cut") {
		t.Fatalf("result = %+v (temp seen: %v)", r, sawTemp)
	}
	if got, _ := os.ReadFile(dst); string(got) != "old" {
		t.Errorf("destination = %q after a failed apply", got)
	}
	noTempFiles(t, home)

	// A crash left a temporary file behind (here: garbage, read-only).
	stale := filepath.Join(home, "etc/shared/default/.agent.conf.tmp")
	if err := os.WriteFile(stale, []byte("half-writ"), 0o400); err != nil {
		t.Fatal(err)
	}
	// Apply moves extracted files into place, so the failed attempt consumed this one: the next
	// round brings a fresh package, extracted again.
	putFile(t, filepath.Dir(src), "new", []byte("new contents"))
	r = Apply(home, diff, files)
	if r.Updated != 1 || r.Failed() != 0 {
		t.Fatalf("result = %+v", r)
	}
	if got, _ := os.ReadFile(dst); string(got) != "new contents" {
		t.Errorf("destination = %q", got)
	}
	if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o660 {
		t.Errorf("mode %o, want 660", fi.Mode().Perm())
	}
	noTempFiles(t, home)
}

func noTempFiles(t *testing.T, home string) {
	t.Helper()
	if tmps := slices.DeleteFunc(listTree(t, home), func(p string) bool { return !strings.HasSuffix(p, ".tmp") }); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

func TestApplyResultMessagesAreBounded(t *testing.T) {
	missing := Metadata{}
	for i := range 3 * maxApplyMessages {
		missing[fmt.Sprintf("etc/rules/r%04d.xml", i)] = fileMeta("etc/bogus/", "00")
	}
	r := Apply(t.TempDir(), Diff{Missing: missing}, nil)
	if r.Errors.Creating != 3*maxApplyMessages || len(r.Messages) != maxApplyMessages+1 {
		t.Errorf("%d errors, %d messages", r.Errors.Creating, len(r.Messages))
	}
	if got, want := r.Summary(), "Found errors: 0 overwriting, 300 creating and 0 removing"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}

func TestCheckWorkerFiles(t *testing.T) {
	if err := CheckWorkerFiles(map[string]string{"etc/shared/default/agent.conf": "x"}); err != nil {
		t.Errorf("agent.conf refused: %v", err)
	}
	if err := CheckWorkerFiles(nil); err != nil {
		t.Errorf("no files refused: %v", err)
	}
	err := CheckWorkerFiles(map[string]string{"etc/client.keys": "x"})
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Code != 3007 {
		t.Errorf("client.keys: %v", err)
	}
	for _, rel := range []string{"etc/shared/ar.conf", "etc/ossec.conf", "etc/rules/x.swp"} {
		if err := CheckWorkerFiles(map[string]string{rel: "x"}); !errors.Is(err, ErrExcludedFile) {
			t.Errorf("%s: %v", rel, err)
		}
	}
}

// Two long names that share their temporary name are both written whole: the first is in
// place before the second takes the name.
func TestApplySharedTemporaryNames(t *testing.T) {
	home := t.TempDir()
	long := strings.Repeat("r", maxComponentLen-6)
	names := []string{"etc/rules/" + long + "-a.xml", "etc/rules/" + long + "-b.xml"}
	if tempName(names[0]) != tempName(names[1]) {
		t.Fatal("the names do not share a temporary name")
	}
	src := t.TempDir()
	files, missing := map[string]string{}, Metadata{}
	for i, rel := range names {
		files[rel] = putFile(t, src, fmt.Sprintf("f%d", i), []byte(rel))
		missing[rel] = fileMeta("etc/rules/", "00")
	}
	r := Apply(home, Diff{Missing: missing}, files)
	if r.Created != 2 || r.Failed() != 0 {
		t.Fatalf("result = %+v", r)
	}
	for _, rel := range names {
		if got, err := os.ReadFile(filepath.Join(home, rel)); err != nil || string(got) != rel {
			t.Errorf("%s holds %q (%v)", rel[len(rel)-6:], got, err)
		}
	}
	noTempFiles(t, home)
}

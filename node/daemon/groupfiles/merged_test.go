package groupfiles

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildMergedReproducesVector(t *testing.T) {
	want := readFile(t, vectorMerged)
	files, err := ParseMerged(want)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "ar.conf" || files[1].Name != "agent.conf" || len(files[0].Data) != 74 || len(files[1].Data) != 1384 {
		t.Fatalf("split = %d files", len(files))
	}
	shared := t.TempDir()
	writeTree(t, shared, map[string]string{
		"ar.conf":            string(files[0].Data),
		"default/agent.conf": string(files[1].Data),
	})
	sum, changed, err := BuildMerged(shared, "default")
	if err != nil {
		t.Fatal(err)
	}
	got := readFile(t, filepath.Join(shared, "default", "merged.mg"))
	if !bytes.Equal(got, want) {
		t.Fatalf("merged.mg differs from the vector:\n got %q\nwant %q", got, want)
	}
	if sum != "fcf85c6486d188d8e232a7bcd27f3e80" || !changed {
		t.Errorf("md5 %s, changed %v", sum, changed)
	}
	info, err := os.Stat(filepath.Join(shared, "default", "merged.mg"))
	if err != nil || info.Mode().Perm() != 0o660 {
		t.Errorf("mode = %v, %v", info.Mode(), err)
	}
}

func TestBuildMergedRewritesOnlyOnChange(t *testing.T) {
	shared := t.TempDir()
	writeTree(t, shared, map[string]string{"web/agent.conf": "<agent_config/>\n"})
	path := filepath.Join(shared, "web", "merged.mg")
	sum1, changed, err := BuildMerged(shared, "web")
	if err != nil || !changed {
		t.Fatalf("first build: changed %v, %v", changed, err)
	}
	before, _ := os.Stat(path)
	sum2, changed, err := BuildMerged(shared, "web")
	if err != nil || changed || sum2 != sum1 {
		t.Fatalf("second build: changed %v, sum %s/%s, %v", changed, sum1, sum2, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("unchanged merged.mg was rewritten")
	}
	writeTree(t, shared, map[string]string{"web/extra.txt": "x\n"})
	sum3, changed, err := BuildMerged(shared, "web")
	if err != nil || !changed || sum3 == sum1 {
		t.Fatalf("after edit: changed %v, %v", changed, err)
	}
	content := readFile(t, path)
	if sum := md5.Sum(content); hex.EncodeToString(sum[:]) != sum3 {
		t.Error("returned md5 is not the file's")
	}
	entries, _ := os.ReadDir(filepath.Join(shared, "web"))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestBuildMergedSelectsFilesLikeRemoted(t *testing.T) {
	shared := t.TempDir()
	longLineWithNUL := strings.Repeat("a", 1500) + "\x00tail" // NUL beyond the first 1024 bytes, no newline
	writeTree(t, shared, map[string]string{
		"ar.conf":         "ar\n",
		"g/b.conf":        "b\n",
		"g/a.conf":        "a\n",
		"g/a/inner.txt":   "inner\n",
		"g/a/.hidden":     "h\n",
		"g/.hidden":       "h\n",
		"g/.hiddendir/x":  "h\n",
		"g/merged.mg.tmp": "old\n",
		"g/merged.mgx/y":  "skip\n",
		"g/sub/merged.mg": "nested merged\n",
		"g/sub/z.txt":     "z\n",
		"g/bin.dat":       "abc\x00def\nrest\n",
		"g/late-nul.txt":  "line one\nline two\x00",
		"g/long-nul.txt":  longLineWithNUL,
		"g/A-upper.conf":  "A\n",
		"g/empty":         "",
	})
	if _, _, err := BuildMerged(shared, "g"); err != nil {
		t.Fatal(err)
	}
	files, err := ParseMerged(readFile(t, filepath.Join(shared, "g", "merged.mg")))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	want := []string{"ar.conf", "A-upper.conf", "a/inner.txt", "a.conf", "b.conf", "empty", "late-nul.txt", "long-nul.txt", "sub/z.txt"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files:\n got %v\nwant %v", names, want)
	}
	head := string(readFile(t, filepath.Join(shared, "g", "merged.mg"))[:40])
	if !strings.HasPrefix(head, "#g\n!3 ar.conf\nar\n!2 A-upper.conf\nA\n") {
		t.Errorf("merged.mg starts %q", head)
	}
}

func TestBuildMergedWithoutArConf(t *testing.T) {
	shared := t.TempDir()
	writeTree(t, shared, map[string]string{"g/agent.conf": "x"})
	if _, _, err := BuildMerged(shared, "g"); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, filepath.Join(shared, "g", "merged.mg"))); got != "#g\n!1 agent.conf\nx" {
		t.Errorf("merged.mg = %q", got)
	}
}

func TestBuildMergedRefusesBadGroups(t *testing.T) {
	shared := t.TempDir()
	writeTree(t, shared, map[string]string{"file": "x"})
	if _, _, err := BuildMerged(shared, "missing"); !errors.Is(err, ErrNotGroupFolder) {
		t.Errorf("missing: %v", err)
	}
	if _, _, err := BuildMerged(shared, "file"); !errors.Is(err, ErrNotGroupFolder) {
		t.Errorf("file: %v", err)
	}
	for _, g := range []string{"..", "../etc", "a/b", ""} {
		if _, _, err := BuildMerged(shared, g); !errors.Is(err, ErrInvalidGroupName) {
			t.Errorf("%q: %v", g, err)
		}
	}
}

func TestBuildAllMerged(t *testing.T) {
	shared := t.TempDir()
	writeTree(t, shared, map[string]string{
		"ar.conf":            "ar\n",
		"default/agent.conf": "d\n",
		"web/agent.conf":     "w\n",
		"bad name/x":         "skipped\n",
		"notes.txt":          "not a group\n",
	})
	changed, err := BuildAllMerged(shared)
	if err != nil || strings.Join(changed, ",") != "default,web" {
		t.Fatalf("first pass: %v, %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(shared, "bad name", "merged.mg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("invalid group folder was built: %v", err)
	}
	changed, err = BuildAllMerged(shared)
	if err != nil || len(changed) != 0 {
		t.Fatalf("second pass: %v, %v", changed, err)
	}
	writeTree(t, shared, map[string]string{"ar.conf": "ar2\n"})
	changed, err = BuildAllMerged(shared)
	if err != nil || strings.Join(changed, ",") != "default,web" {
		t.Fatalf("after ar.conf edit: %v, %v", changed, err)
	}
	if _, err := BuildAllMerged(filepath.Join(shared, "nope")); err == nil {
		t.Error("missing shared folder accepted")
	}
}

func TestIsWazuhBinary(t *testing.T) {
	// fgets reads pieces of at most 1024 bytes; only pieces ending in a newline are checked.
	cases := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"text\nmore\n", false},
		{"\x00\n", true},
		{"ok\nbad\x00line\n", true},
		{"no newline at end \x00", false},
		{strings.Repeat("x", 1022) + "\x00\n", true},  // 1024-byte piece ending in the newline
		{strings.Repeat("x", 1023) + "\x00\n", false}, // the newline falls into the next piece
		{strings.Repeat("x", 1024) + "\x00\n", true},  // "\x00\n" is a piece of its own
		{strings.Repeat("x", 1030) + "\n\x00\n", true},
		{strings.Repeat("x", 2000) + "\x00yy", false},
	}
	for _, c := range cases {
		if got := isWazuhBinary([]byte(c.in)); got != c.want {
			t.Errorf("isWazuhBinary(%.20q… len %d) = %v, want %v", c.in, len(c.in), got, c.want)
		}
	}
}

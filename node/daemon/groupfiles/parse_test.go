package groupfiles

import (
	"errors"
	"testing"
)

func TestParseMerged(t *testing.T) {
	files, err := ParseMerged([]byte("#g\n!3 a.conf\nabc!0 empty\n\nnoise line\n!5 sub/b.txt\n1\n2\n3"))
	if err != nil {
		t.Fatal(err)
	}
	want := []MergedFile{{"a.conf", []byte("abc")}, {"empty", []byte{}}, {"sub/b.txt", []byte("1\n2\n3")}}
	if len(files) != len(want) {
		t.Fatalf("got %d files", len(files))
	}
	for i := range want {
		if files[i].Name != want[i].Name || string(files[i].Data) != string(want[i].Data) {
			t.Errorf("file %d = %q %q", i, files[i].Name, files[i].Data)
		}
	}
	if files, err := ParseMerged(nil); err != nil || len(files) != 0 {
		t.Errorf("empty input: %v, %v", files, err)
	}
	bad := map[string]error{
		"!3 a\nab":                  ErrMergedTruncated,
		"!3 a":                      ErrMergedTruncated,
		"!x a\n":                    ErrMergedHeader,
		"!3\nabc":                   ErrMergedHeader,
		"!3 \nabc":                  ErrMergedHeader,
		"!-1 a\n":                   ErrMergedHeader,
		"! 3 a\nabc":                ErrMergedHeader,
		"!99999999999999999999 a\n": ErrMergedHeader,
		"!1 ../etc/x\na":            ErrMergedUnsafeName,
		"!1 a/../../x\na":           ErrMergedUnsafeName,
		"!1 /etc/x\na":              ErrMergedUnsafeName,
	}
	for in, want := range bad {
		if _, err := ParseMerged([]byte(in)); !errors.Is(err, want) {
			t.Errorf("%q: got %v, want %v", in, err, want)
		}
	}
}

func FuzzParseMerged(f *testing.F) {
	f.Add([]byte("#default\n!3 ar.conf\nabc!2 agent.conf\nxy"))
	f.Add([]byte("!0 a\n"))
	f.Add([]byte("#g\n!10 x\nshort"))
	f.Add([]byte("!1 ../x\na"))
	f.Fuzz(func(t *testing.T, b []byte) {
		files, err := ParseMerged(b)
		if err != nil {
			return
		}
		total := 0
		for _, f := range files {
			if f.Name == "" || unsafeMergedName(f.Name) {
				t.Fatalf("accepted name %q", f.Name)
			}
			total += len(f.Data)
		}
		if total > len(b) {
			t.Fatalf("%d bytes of files out of %d bytes of input", total, len(b))
		}
		// Re-laying out the files must give a document that splits the same way.
		var out []byte
		for _, f := range files {
			out = appendRecord(out, f.Name, f.Data)
		}
		again, err := ParseMerged(out)
		if err != nil || len(again) != len(files) {
			t.Fatalf("re-laid out file does not split back: %v", err)
		}
		for i := range files {
			if again[i].Name != files[i].Name || string(again[i].Data) != string(files[i].Data) {
				t.Fatalf("file %d changed: %q", i, again[i].Name)
			}
		}
	})
}

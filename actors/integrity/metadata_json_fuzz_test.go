package integrity

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// addVectorSeeds seeds a fuzz corpus with the real documents and a few hostile variants.
func addVectorSeeds(f *testing.F, names ...string) {
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(vectorsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"a": null}`,
		`{"etc/../x": {"mod_time": 1, "cluster_item_key": "etc/", "merged": false, "hash": "h"}}`,
		`{"missing": {}, "extra": {}, "shared": {}}`,
		`{"missing": {"etc/a": {"mod_time": -0.0, "cluster_item_key": "\ud800", "merged": true, "hash": "\u00e9"}}, "extra": {}, "shared": {}}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzParseMetadata: ParseMetadata never panics, refuses with a sentinel error, and whatever
// it accepts survives MarshalPython and a second parse unchanged.
func FuzzParseMetadata(f *testing.F) {
	addVectorSeeds(f, "worker_files_metadata.json", "master_files_metadata.json")
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := ParseMetadata(p)
		if err != nil {
			if !errors.Is(err, ErrInvalidMetadata) && !errors.Is(err, ErrInvalidPath) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if got, want := m.MarshalPython(), referenceJSON(m); !bytes.Equal(got, want) {
			t.Fatalf("MarshalPython = %s, reference %s", got, want)
		}
		again, err := ParseMetadata(m.MarshalPython())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", m.MarshalPython(), err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip changed %+v into %+v", m, again)
		}
	})
}

// FuzzParseDiff: ParseDiff never panics, refuses with a sentinel error, and whatever it
// accepts survives MarshalPython and a second parse unchanged.
func FuzzParseDiff(f *testing.F) {
	addVectorSeeds(f, "master_to_worker_files_metadata.json")
	f.Fuzz(func(t *testing.T, p []byte) {
		d, err := ParseDiff(p)
		if err != nil {
			if !errors.Is(err, ErrInvalidMetadata) && !errors.Is(err, ErrInvalidPath) && !errors.Is(err, ErrDiffOverlap) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		again, err := ParseDiff(d.MarshalPython())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", d.MarshalPython(), err)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("round trip changed %+v into %+v", d, again)
		}
	})
}

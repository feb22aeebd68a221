package integrity

import (
	"bytes"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestMetadataMarshalPythonLayout pins the exact bytes: json.dumps separators, repr floats,
// walk_dir's member order (merge_type and merge_name before hash), paths sorted.
func TestMetadataMarshalPythonLayout(t *testing.T) {
	m := Metadata{
		"etc/shared/b.merged": {ModTime: 1700000000.5, ClusterItemKey: "etc/shared/", Merged: true, MergeType: "TYPE", MergeName: "/var/ossec/etc/shared/b.merged", Hash: "bb"},
		"etc/client.keys":     {ModTime: 1700000000, ClusterItemKey: "etc/", Hash: "aa"},
		"etc/shared/é\"":      {ModTime: 1700000000.123456, ClusterItemKey: "etc/shared/", Hash: "cc"},
	}
	want := `{"etc/client.keys": {"mod_time": 1700000000.0, "cluster_item_key": "etc/", "merged": false, "hash": "aa"}, ` +
		`"etc/shared/b.merged": {"mod_time": 1700000000.5, "cluster_item_key": "etc/shared/", "merged": true, "merge_type": "TYPE", "merge_name": "/var/ossec/etc/shared/b.merged", "hash": "bb"}, ` +
		`"etc/shared/\u00e9\"": {"mod_time": 1700000000.123456, "cluster_item_key": "etc/shared/", "merged": false, "hash": "cc"}}`
	if got := string(m.MarshalPython()); got != want {
		t.Errorf("MarshalPython:\n got %s\nwant %s", got, want)
	}
	if got := string(Metadata{}.MarshalPython()); got != "{}" {
		t.Errorf("empty metadata = %s, want {}", got)
	}
}

// TestMetadataMatchesWazuhBytes: every entry of the real worker's files_metadata.json is
// written byte for byte as Wazuh wrote it (only the order of entries differs), and the whole
// document parses back to the same metadata.
func TestMetadataMatchesWazuhBytes(t *testing.T) {
	for _, name := range []string{"worker_files_metadata.json", "master_files_metadata.json"} {
		vector := readVector(t, name)
		m, err := ParseMetadata(vector)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for rel, f := range m {
			single := Metadata{rel: f}.MarshalPython()
			member := single[1 : len(single)-1]
			if !bytes.Contains(vector, member) {
				t.Errorf("%s: %s not found verbatim", name, member)
			}
		}
		again, err := ParseMetadata(m.MarshalPython())
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Errorf("%s: round trip = %v, %v", name, again, err)
		}
	}
}

func TestParseMetadataAcceptsAnySpacingAndOrder(t *testing.T) {
	doc := " \n{ \"etc/rules/a.xml\" :{\"hash\":\"h\",\"merged\" : false,\"cluster_item_key\":\"etc/rules/\",\n" +
		"\"mod_time\":1700000000,\"extra_member\":[1,{}]},\"etc/rules/a.xml\":{\"hash\":\"last\",\"merged\":true," +
		"\"cluster_item_key\":\"etc/rules/\",\"mod_time\":1.5e9,\"merge_type\":\"TYPE\",\"merge_name\":\"n\"}}\t"
	m, err := ParseMetadata([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := Metadata{"etc/rules/a.xml": {ModTime: 1.5e9, ClusterItemKey: "etc/rules/", Merged: true, Hash: "last", MergeType: "TYPE", MergeName: "n"}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %+v, want %+v (the last duplicate wins)", m, want)
	}
}

func TestParseMetadataRefuses(t *testing.T) {
	entry := `{"mod_time": 1.0, "cluster_item_key": "etc/", "merged": false, "hash": "h"}`
	cases := []struct {
		doc  string
		want error
	}{
		{``, ErrInvalidMetadata},
		{`null`, ErrInvalidMetadata},
		{`[]`, ErrInvalidMetadata},
		{`"x"`, ErrInvalidMetadata},
		{`{`, ErrInvalidMetadata},
		{`{} {}`, ErrInvalidMetadata},
		{`{"etc/a": null}`, ErrInvalidMetadata},
		{`{"etc/a": []}`, ErrInvalidMetadata},
		{`{"etc/a": {"cluster_item_key": "etc/", "merged": false, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": "1", "cluster_item_key": "etc/", "merged": false, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1e999, "cluster_item_key": "etc/", "merged": false, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": NaN, "cluster_item_key": "etc/", "merged": false, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1, "cluster_item_key": 5, "merged": false, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1, "cluster_item_key": "etc/", "merged": 0, "hash": "h"}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1, "cluster_item_key": "etc/", "merged": false, "hash": null}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1, "cluster_item_key": "etc/", "merged": false}}`, ErrInvalidMetadata},
		{`{"etc/a": {"mod_time": 1, "cluster_item_key": "etc/", "merged": false, "hash": "h", "merge_type": 1}}`, ErrInvalidMetadata},
		{`{"": ` + entry + `}`, ErrInvalidPath},
		{`{"/etc/passwd": ` + entry + `}`, ErrInvalidPath},
		{`{"etc/../../x": ` + entry + `}`, ErrInvalidPath},
		{`{"..": ` + entry + `}`, ErrInvalidPath},
		{`{"etc/./x": ` + entry + `}`, ErrInvalidPath},
		{`{"etc//x": ` + entry + `}`, ErrInvalidPath},
		{`{"etc/x/": ` + entry + `}`, ErrInvalidPath},
		{`{"etc/x\u0000y": ` + entry + `}`, ErrInvalidPath},
	}
	for _, c := range cases {
		if _, err := ParseMetadata([]byte(c.doc)); !errors.Is(err, c.want) {
			t.Errorf("ParseMetadata(%s) error = %v, want %v", c.doc, err, c.want)
		}
	}
	// Names that are odd but harmless pass: the file's own write or delete decides.
	if _, err := ParseMetadata([]byte(`{"etc/shared/a..b\\c": ` + entry + `}`)); err != nil {
		t.Errorf("odd but safe name refused: %v", err)
	}
}

func TestDiffMarshalPythonLayout(t *testing.T) {
	f := FileMeta{ModTime: 1700000000, ClusterItemKey: "etc/", Hash: "h"}
	d := Diff{Extra: Metadata{"etc/client.keys": f}}
	want := `{"missing": {}, "extra": {"etc/client.keys": {"mod_time": 1700000000.0, "cluster_item_key": "etc/", "merged": false, "hash": "h"}}, "shared": {}}`
	if got := string(d.MarshalPython()); got != want {
		t.Errorf("MarshalPython:\n got %s\nwant %s", got, want)
	}
}

// TestDiffMatchesWazuhBytes: the real master's diff parses, every section's entries are
// written byte for byte as Wazuh wrote them, and the sections come in Wazuh's order.
func TestDiffMatchesWazuhBytes(t *testing.T) {
	vector := readVector(t, "master_to_worker_files_metadata.json")
	d, err := ParseDiff(vector)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Metadata{d.Missing, d.Extra, d.Shared} {
		for rel, f := range m {
			single := Metadata{rel: f}.MarshalPython()
			if member := single[1 : len(single)-1]; !bytes.Contains(vector, member) {
				t.Errorf("%s not found verbatim", member)
			}
		}
	}
	out := string(d.MarshalPython())
	if !strings.HasPrefix(out, `{"missing": {`) || strings.Index(out, `}, "extra": {`) > strings.Index(out, `}, "shared": {`) {
		t.Errorf("sections out of order: %.80s…", out)
	}
	again, err := ParseDiff([]byte(out))
	if err != nil || !reflect.DeepEqual(again, d) {
		t.Errorf("round trip = %+v, %v", again, err)
	}
	if got := slices.Sorted(maps.Keys(d.Shared)); !slices.Equal(got, []string{"etc/client.keys", "etc/shared/default/agent.conf"}) {
		t.Errorf("shared = %v", got)
	}
}

func TestParseDiffRefuses(t *testing.T) {
	entry := `{"mod_time": 1.0, "cluster_item_key": "etc/", "merged": false, "hash": "h"}`
	cases := []struct {
		doc  string
		want error
	}{
		{`null`, ErrInvalidMetadata},
		{`{"missing": {}, "extra": {}}`, ErrInvalidMetadata},
		{`{"missing": {}, "extra": {}, "shared": null}`, ErrInvalidMetadata},
		{`{"missing": [], "extra": {}, "shared": {}}`, ErrInvalidMetadata},
		{`{"missing": {"etc/a": {}}, "extra": {}, "shared": {}}`, ErrInvalidMetadata},
		{`{"missing": {}, "extra": {"../a": ` + entry + `}, "shared": {}}`, ErrInvalidPath},
		{`{"missing": {"etc/a": ` + entry + `}, "extra": {"etc/a": ` + entry + `}, "shared": {}}`, ErrDiffOverlap},
		{`{"missing": {}, "extra": {"etc/a": ` + entry + `}, "shared": {"etc/a": ` + entry + `}}`, ErrDiffOverlap},
		{`{"missing": {"etc/a": ` + entry + `}, "extra": {}, "shared": {"etc/a": ` + entry + `}}`, ErrDiffOverlap},
	}
	for _, c := range cases {
		if _, err := ParseDiff([]byte(c.doc)); !errors.Is(err, c.want) {
			t.Errorf("ParseDiff(%s) error = %v, want %v", c.doc, err, c.want)
		}
	}
	d, err := ParseDiff([]byte(`{"shared": {}, "extra": {}, "missing": {}, "other": 1}`))
	if err != nil || d.Missing == nil || d.Extra == nil || d.Shared == nil || !d.Empty() {
		t.Errorf("empty diff = %+v, %v; want three empty, non-nil sections", d, err)
	}
}

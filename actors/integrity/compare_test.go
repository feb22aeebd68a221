package integrity

import (
	"reflect"
	"testing"
)

func meta(key, hash string, modTime float64) FileMeta {
	return FileMeta{ModTime: modTime, ClusterItemKey: key, Hash: hash}
}

func TestCompareClassifies(t *testing.T) {
	master := Metadata{
		"etc/client.keys":       meta("etc/", "k1", 1),
		"etc/rules/same.xml":    meta("etc/rules/", "s", 1),
		"etc/rules/touched.xml": meta("etc/rules/", "t", 1),
		"etc/rules/changed.xml": meta("etc/rules/", "new", 1),
		"etc/lists/only-master": meta("etc/lists/", "m", 1),
	}
	worker := Metadata{
		"etc/client.keys":       meta("etc/", "k2", 1),
		"etc/rules/same.xml":    meta("etc/rules/", "s", 1),
		"etc/rules/touched.xml": meta("etc/rules/", "t", 99), // mod_time is never compared
		"etc/rules/changed.xml": meta("etc/rules/", "old", 1),
		"etc/rules/only-worker": meta("etc/rules/", "w", 5),
	}
	want := Diff{
		Missing: Metadata{"etc/lists/only-master": master["etc/lists/only-master"]},
		Extra:   Metadata{"etc/rules/only-worker": worker["etc/rules/only-worker"]},
		Shared:  Metadata{"etc/client.keys": master["etc/client.keys"], "etc/rules/changed.xml": master["etc/rules/changed.xml"]},
	}
	if got := Compare(master, worker); !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %+v\nwant %+v", got, want)
	}
	if got := Compare(master, master); !got.Empty() || got.Missing == nil || got.Extra == nil || got.Shared == nil {
		t.Errorf("Compare(m, m) = %+v, want three empty, non-nil sections", got)
	}
}

// TestCompareJudgesWorkerOnlyPathsByItem: a worker-only path is extra exactly when an item
// would select it on the master, under that item's key, whatever key the worker claimed.
func TestCompareJudgesWorkerOnlyPathsByItem(t *testing.T) {
	worker := Metadata{
		"etc/shared/g/agent.conf":     meta("no-such-key/", "a", 1), // unknown key, selected path
		"etc/rules/r.xml":             meta("etc/shared/", "b", 1),  // wrong key, selected path
		"var/multigroups/x/merged.mg": meta("var/multigroups/", "c", 1),
		"etc/ossec.conf":              meta("etc/", "d", 1),        // etc/ takes only client.keys
		"etc/sub/client.keys":         meta("etc/", "e", 1),        // etc/ is not recursive
		"etc/shared/ar.conf":          meta("etc/shared/", "f", 1), // excluded name
		"etc/shared/g/x.swp":          meta("etc/shared/", "g", 1), // excluded extension
		"var/multigroups/x/other":     meta("var/multigroups/", "h", 1),
		"queue/agent-groups/001":      meta("no-such-key/", "i", 1),
		"etc/shared/../ossec.conf":    meta("etc/shared/", "j", 1),
		"etc/shared/":                 meta("etc/shared/", "k", 1),
	}
	got := Compare(Metadata{}, worker)
	want := Metadata{
		"etc/shared/g/agent.conf":     meta("etc/shared/", "a", 1),
		"etc/rules/r.xml":             meta("etc/rules/", "b", 1),
		"var/multigroups/x/merged.mg": meta("var/multigroups/", "c", 1),
	}
	if !reflect.DeepEqual(got.Extra, want) || len(got.Missing) != 0 || len(got.Shared) != 0 {
		t.Errorf("Compare:\n got %+v\nwant extra %+v", got, want)
	}
}

func TestCompareIgnoresExtraValidItems(t *testing.T) {
	items := []Item{{Key: "queue/agent-groups/", Files: []string{"all"}, ExtraValid: true}}
	got := compareWith(items, Metadata{}, Metadata{"queue/agent-groups/001": meta("queue/agent-groups/", "h", 1)})
	if !got.Empty() {
		t.Errorf("extra_valid file classified: %+v", got)
	}
}

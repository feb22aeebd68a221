package integrity

import "testing"

func TestItemsOverlap(t *testing.T) {
	if itemsOverlap(Items) {
		t.Error("Wazuh's files table reported as overlapping")
	}
	cases := []struct {
		items []Item
		want  bool
	}{
		{[]Item{{Key: "etc/", Recursive: true}, {Key: "etc/shared/"}}, true},
		{[]Item{{Key: "etc/shared/"}, {Key: "etc/", Recursive: true}}, true},
		{[]Item{{Key: "etc/"}, {Key: "etc/shared/", Recursive: true}}, false},
		{[]Item{{Key: "etc/rules/"}, {Key: "etc/rules/"}}, true},
		{[]Item{{Key: "etc/rules/", Recursive: true}, {Key: "etc/rules2/"}}, false},
	}
	for _, c := range cases {
		if got := itemsOverlap(c.items); got != c.want {
			t.Errorf("itemsOverlap(%v) = %v, want %v", c.items, got, c.want)
		}
	}
}

// TestMergeResultsLaterItemWins: with overlapping items, a path selected twice keeps the later
// item's entry in both the metadata and the cache, whichever worker found it first.
func TestMergeResultsLaterItemWins(t *testing.T) {
	items := []Item{{Key: "etc/", Files: []string{"all"}, Recursive: true}, {Key: "etc/shared/", Files: []string{"all"}}}
	outer := scanned{rel: "etc/shared/a", item: 0, meta: FileMeta{ClusterItemKey: "etc/", Hash: "outer"}}
	inner := scanned{rel: "etc/shared/a", item: 1, meta: FileMeta{ClusterItemKey: "etc/shared/", Hash: "inner"}}
	for _, order := range [][]scanned{{outer, inner}, {inner, outer}} {
		pool := []*scanWorker{
			{results: []batchResult{{dirRel: "etc/shared/", files: []scanned{order[0]}}}},
			{results: []batchResult{{dirRel: "etc/shared/", files: []scanned{order[1]}}}},
		}
		meta, cache := mergeResults(pool, items)
		if meta["etc/shared/a"].Hash != "inner" || cache["etc/shared/"]["a"].hash != "inner" || len(meta) != 1 {
			t.Errorf("order %s then %s: meta %v, cache %v", order[0].meta.Hash, order[1].meta.Hash, meta, cache)
		}
	}
}

package integrity

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// referenceJSON encodes m through messages.EncodeJSON, the project's general implementation of
// json.dumps: the oracle the direct writer must match byte for byte.
func referenceJSON(m Metadata) []byte {
	o := messages.Object{}
	for _, rel := range slices.Sorted(maps.Keys(m)) {
		f := m[rel]
		entry := messages.Object{
			{Key: "mod_time", Value: f.ModTime},
			{Key: "cluster_item_key", Value: f.ClusterItemKey},
			{Key: "merged", Value: f.Merged},
		}
		if f.Merged || f.MergeType != "" || f.MergeName != "" {
			entry = append(entry, messages.Member{Key: "merge_type", Value: f.MergeType}, messages.Member{Key: "merge_name", Value: f.MergeName})
		}
		o = append(o, messages.Member{Key: rel, Value: append(entry, messages.Member{Key: "hash", Value: f.Hash})})
	}
	return messages.EncodeJSON(o)
}

func TestMarshalPythonMatchesReference(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 1700000000, 1700000000.123456, 1.5e9, 1e-4, 9.999999999999999e-05,
		1e16, 9999999999999998, 1e300, 5e-324, math.MaxFloat64, 0.1, 123456789.000001, math.Inf(1), math.NaN()}
	strs := []string{"", "etc/shared/a", "é", "tab\there", "quote\"", "back\\slash", "\x7f", "日本", "\U0001F600", "\x00", "\xff"}
	rng := rand.New(rand.NewPCG(7, 9))
	for range 2000 {
		m := Metadata{}
		for range rng.IntN(4) {
			f := FileMeta{
				ModTime:        floats[rng.IntN(len(floats))],
				ClusterItemKey: strs[rng.IntN(len(strs))],
				Merged:         rng.IntN(2) == 0,
				Hash:           strs[rng.IntN(len(strs))],
			}
			if rng.IntN(3) == 0 {
				f.MergeType, f.MergeName = strs[rng.IntN(len(strs))], strs[rng.IntN(len(strs))]
			}
			if rng.IntN(2) == 0 {
				f.ModTime = rng.Float64() * math.Pow(10, float64(rng.IntN(40)-20))
			}
			m[strs[rng.IntN(len(strs))]+strs[rng.IntN(len(strs))]] = f
		}
		if got, want := string(m.MarshalPython()), string(referenceJSON(m)); got != want {
			t.Fatalf("MarshalPython:\n got %s\nwant %s", got, want)
		}
	}
}

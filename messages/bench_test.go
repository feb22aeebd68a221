package messages

import "testing"

func BenchmarkEncodeException(b *testing.B) {
	e := NewClusterError(3028, "worker1")
	for b.Loop() {
		_ = EncodeException(e)
	}
}

func BenchmarkDecodeException(b *testing.B) {
	p := EncodeException(NewClusterError(3028, "worker1"))
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := DecodeException(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelectNodes(b *testing.B) {
	args := GetNodesArgs{Sort: &SortArgs{Fields: []string{"name"}, Order: "desc"}, Search: &SearchArgs{Value: "worker"}, Limit: 500, FilterType: FilterTypeAll}
	for b.Loop() {
		if _, werr := SelectNodes(testNodes, args); werr != nil {
			b.Fatal(werr)
		}
	}
}

func BenchmarkHealthEncode(b *testing.B) {
	h := goldenHealthValue()
	for b.Loop() {
		_ = h.Encode()
	}
}

func BenchmarkParseHealth(b *testing.B) {
	p := []byte(goldenHealth)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := ParseHealth(p); err != nil {
			b.Fatal(err)
		}
	}
}

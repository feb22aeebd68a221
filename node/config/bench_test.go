package config

import (
	"bytes"
	"testing"
)

func BenchmarkParseOSSECConf(b *testing.B) {
	data := readTestdata(b, "ossec_manager.conf")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseOSSECConf(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOSSECConfManyAngles guards the sanitizer against quadratic time on a long line
// of "<" that never closes, the shape a fuzzer found.
func BenchmarkParseOSSECConfManyAngles(b *testing.B) {
	data := bytes.Repeat([]byte("<a"), 1<<16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, _, _ = ParseOSSECConf(data)
	}
}

func BenchmarkParseInternal(b *testing.B) {
	data := readTestdata(b, "cluster.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseInternal(data); err != nil {
			b.Fatal(err)
		}
	}
}

package agentproto

import (
	"strings"
	"testing"
)

// benchEvent is a typical 200-byte logcollector event.
var benchEvent = []byte("1:/var/log/auth.log:" + strings.Repeat("Nov 21 10:00:00 web-01 sshd[1234]: Accepted publickey for root ", 3)[:180])

func benchMessages(b *testing.B) map[string][]byte {
	f := loadVectors(b)
	return map[string][]byte{
		"event200":  benchEvent,
		"keepalive": []byte(f.vector(b, "03_").Plaintext),
	}
}

func BenchmarkOpen(b *testing.B) {
	c := mustCipher(b, Key{ID: "001", Name: "vec-agent", IP: "any", Raw: "30f247264788580f09df9eff9fd0d104683ce09c9aca2ff4b07fda339700cfb3"})
	for name, msg := range benchMessages(b) {
		for _, m := range []Method{AES, Blowfish} {
			payload, err := c.Seal(nil, m, NewCounter(0, 0), msg)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(name+"/"+m.String(), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(msg)))
				for b.Loop() {
					if _, _, _, err := c.Open(payload); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	c := mustCipher(b, Key{ID: "001", Name: "vec-agent", IP: "any", Raw: "30f247264788580f09df9eff9fd0d104683ce09c9aca2ff4b07fda339700cfb3"})
	for name, msg := range benchMessages(b) {
		for _, m := range []Method{AES, Blowfish} {
			b.Run(name+"/"+m.String(), func(b *testing.B) {
				ctr := NewCounter(0, 0)
				buf := make([]byte, 0, 1024)
				b.ReportAllocs()
				b.SetBytes(int64(len(msg)))
				for b.Loop() {
					out, err := c.Seal(buf[:0], m, ctr, msg)
					if err != nil {
						b.Fatal(err)
					}
					buf = out
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

func BenchmarkParseKeepalive(b *testing.B) {
	msg := []byte(loadVectors(b).vector(b, "03_").Plaintext)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := ParseKeepalive(msg); err != nil {
			b.Fatal(err)
		}
	}
}

package authd

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func benchMaster(b testing.TB) *Service {
	b.Helper()
	cfg := DefaultConfig()
	cfg.ManagerHostname = "bench-manager"
	cfg.ManagerVersion = "v4.14.7"
	cfg.SharedDir = makeSharedDir(b)
	return NewMaster(cfg, NewMemStore(), nil)
}

func BenchmarkEnrollMaster(b *testing.B) {
	svc := benchMaster(b)
	src := net.ParseIP("10.0.0.1")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		reply := svc.Enroll(ctx, fmt.Appendf(nil, "OSSEC A:'bench%d' V:'v4.14.7' G:'default'\n", i), src)
		if !strings.HasPrefix(reply, "OSSEC K:'") {
			b.Fatalf("reply %q", reply)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "enrollments/s")
}

func BenchmarkEnrollMasterParallel(b *testing.B) {
	svc := benchMaster(b)
	src := net.ParseIP("10.0.0.1")
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			line := fmt.Appendf(nil, "OSSEC A:'bench%d'\n", next.Add(1))
			if reply := svc.Enroll(context.Background(), line, src); !strings.HasPrefix(reply, "OSSEC K:'") {
				b.Errorf("reply %q", reply)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "enrollments/s")
}

func BenchmarkEnrollTLS(b *testing.B) {
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		b.Run(tls.VersionName(version), func(b *testing.B) {
			svc := benchMaster(b)
			rs := startServer(b, svc, ServerOptions{ReadTimeout: 10 * time.Second})
			cfg := clientTLSConfig(b, version)
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					reply, _, err := enrollOverTLS(rs.addr, cfg, fmt.Sprintf("OSSEC A:'tls%d'\n", next.Add(1)))
					if err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
						b.Errorf("reply %q, %v", reply, err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "enrollments/s")
		})
	}
}

// BenchmarkEnrollTLS13Nagle is one agent after another, each on its own connection, from a
// client that leaves Nagle's algorithm on (as Python's ssl and the wazuh-qa simulator do; Go
// clients turn it off by default). The client's Finished and its request line are two small
// writes: the request waits for the server to acknowledge the Finished.
func BenchmarkEnrollTLS13Nagle(b *testing.B) {
	svc := benchMaster(b)
	rs := startServer(b, svc, ServerOptions{ReadTimeout: 10 * time.Second})
	cfg := clientTLSConfig(b, tls.VersionTLS13)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		reply, err := enrollWithNagle(rs.addr, cfg, fmt.Sprintf("OSSEC A:'nagle%d'\n", i))
		if err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
			b.Fatalf("reply %q, %v", reply, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "enrollments/s")
}

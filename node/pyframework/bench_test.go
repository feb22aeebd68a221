package pyframework

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkLocalMasterRequest is a local_master request (wazuh.manager.get_basic_info, with the
// administrator's policies) executed by the framework's process and its answer read back: the
// executor's whole path (encode, node/framework, the frames, the helper's DistributedAPI, the
// answer's check). The framework is the stand-in of testdata/stub run by the system's python3,
// so the figures are clusterd's and the helper's cost, not the real framework's functions.
// p50/p99 are over the b.N requests; "parallel" runs 8 callers at once.
func BenchmarkLocalMasterRequest(b *testing.B) {
	f := startFramework(b, stubOptions(b, stubHome(b, false)), actorsDefaults())
	f.ready(b, 1)
	req := request(b, "wazuh.manager", "get_basic_info", `{"offset": 0, "limit": 500}`,
		`, "rbac_permissions": {"cluster:read": {"node:id:*": "allow"}, "manager:read": {"*:*:*": "allow"}, "rbac_mode": "white"}, "nodes": ["master-node", "worker1"], "api_timeout": 10`)
	for _, callers := range []int{1, 8} {
		name := "serial"
		if callers > 1 {
			name = "parallel"
		}
		b.Run(name, func(b *testing.B) {
			var (
				mu        sync.Mutex
				latencies = make([]time.Duration, 0, b.N)
				next      = make(chan struct{}, b.N)
				wg        sync.WaitGroup
			)
			for i := 0; i < b.N; i++ {
				next <- struct{}{}
			}
			close(next)
			b.ResetTimer()
			for c := 0; c < callers; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range next {
						start := time.Now()
						if _, err := f.exec.Execute(context.Background(), req); err != nil {
							b.Error(err)
							return
						}
						took := time.Since(start)
						mu.Lock()
						latencies = append(latencies, took)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(latencies)
			if n := len(latencies); n > 0 {
				b.ReportMetric(float64(latencies[n/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(latencies[min(n-1, n*99/100)].Microseconds()), "p99-µs")
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "requests/s")
			}
		})
	}
}

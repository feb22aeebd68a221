package benchshape

import (
	"context"
	"sync"
	"time"

	"github.com/clusterd/clusterd/node/tool/procstat"
)

// sample is one second of one node: CPU (one core = 100), unique memory and descriptors.
type sample struct {
	at    time.Time
	cpu   float64
	ussKB int64
	fds   int
}

// sampler reads every node each second until its context ends.
type sampler struct {
	mu      sync.Mutex
	samples map[string][]sample
}

func (s *sampler) run(ctx context.Context, procs []*proc) {
	type last struct {
		cpu time.Duration
		at  time.Time
	}
	prev := make([]last, len(procs))
	for i, p := range procs {
		cpu, _ := procstat.CPUTime(p.pid())
		prev[i] = last{cpu, time.Now()}
	}
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for i, p := range procs {
				cpu, err := procstat.CPUTime(p.pid())
				if err != nil {
					continue // gone: the run notices
				}
				uss, _ := procstat.USS(p.pid())
				fds, _ := procstat.FDs(p.pid())
				pct := float64(cpu-prev[i].cpu) / float64(now.Sub(prev[i].at)) * 100
				prev[i] = last{cpu, now}
				s.add(p.name, sample{at: now, cpu: pct, ussKB: uss >> 10, fds: fds})
			}
		}
	}
}

func (s *sampler) add(name string, x sample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.samples == nil {
		s.samples = map[string][]sample{}
	}
	s.samples[name] = append(s.samples[name], x)
}

func (s *sampler) of(name string) []sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samples[name]
}

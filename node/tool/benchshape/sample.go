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

// sampler reads every node each second until its context ends: CPU time every second; unique
// memory and descriptors every second for the first process (the master), and every
// otherMemEvery seconds for the others, staggered, the value held in between. Reading those is
// what costs: the kernel walks a process's page tables for its unique memory and lists its
// descriptors (2,000 for a worker of 2,000 agents), and reading all 26 processes every second
// took a quarter of a core, on the two cores the run measures.
type sampler struct {
	mu      sync.Mutex
	samples map[string][]sample
}

// otherMemEvery is how many seconds apart the nodes but the first have their memory and
// descriptors read.
const otherMemEvery = 10

func (s *sampler) run(ctx context.Context, procs []*proc) {
	type last struct {
		cpu   time.Duration
		at    time.Time
		ussKB int64
		fds   int
	}
	prev := make([]last, len(procs))
	for i, p := range procs {
		cpu, _ := procstat.CPUTime(p.pid())
		prev[i] = last{cpu: cpu, at: time.Now()}
	}
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for i, p := range procs {
				cpu, err := procstat.CPUTime(p.pid())
				if err != nil {
					continue // gone: the run notices
				}
				if i == 0 || n == 0 || (n+i)%otherMemEvery == 0 {
					uss, _ := procstat.USS(p.pid())
					prev[i].ussKB = uss >> 10
					prev[i].fds, _ = procstat.FDs(p.pid())
				}
				pct := float64(cpu-prev[i].cpu) / float64(now.Sub(prev[i].at)) * 100
				prev[i].cpu, prev[i].at = cpu, now
				s.add(p.name, sample{at: now, cpu: pct, ussKB: prev[i].ussKB, fds: prev[i].fds})
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

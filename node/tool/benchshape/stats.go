package benchshape

import (
	"math"
	"time"
)

// Phases of a node, as Wazuh's benchmark cuts them, and the run's own last window.
const (
	phaseSetup  = "setup"  // from the node's first integrity sync to its last
	phaseStable = "stable" // after the node's last integrity sync
	phaseSteady = "steady" // every agent connected and reported: the run's last window
)

var phaseOrder = []string{phaseSetup, phaseStable, phaseSteady}

// window is a span of a node's run; a sample or task at t is in it when from ≤ t ≤ to (from
// excluded when open).
type window struct {
	from, to time.Time
	open     bool
}

func (w window) holds(t time.Time) bool {
	if t.Before(w.from) || t.After(w.to) {
		return false
	}
	return !w.open || t.After(w.from)
}

// phases cuts a node's run: setup and stable from its integrity syncs as Wazuh does, steady
// from the run's own readiness. ok is false for a node that never synced.
func phases(tasks []task, steadyFrom, end time.Time) (map[string]window, bool) {
	var first, last time.Time
	for _, t := range tasks {
		if t.file != "integrity_sync" {
			continue
		}
		if first.IsZero() || t.at.Before(first) {
			first = t.at
		}
		if t.at.After(last) {
			last = t.at
		}
	}
	if first.IsZero() {
		return nil, false
	}
	return map[string]window{
		phaseSetup:  {from: first, to: last},
		phaseStable: {from: last, to: end, open: true},
		phaseSteady: {from: steadyFrom, to: end},
	}, true
}

// stat is one figure's statistics over a window; node names where a workers' figure comes
// from (the worst worker).
type stat struct {
	Mean, Max, RegCof float64
	N                 int
	Node              string
}

// describe computes the mean, the maximum and the slope of the least-squares line through the
// values against their index (Wazuh's "reg_cof": growth per sample, so per second here).
func describe(values []float64) stat {
	n := len(values)
	if n == 0 {
		return stat{}
	}
	var sum, maxV = 0.0, math.Inf(-1)
	for _, v := range values {
		sum += v
		maxV = max(maxV, v)
	}
	s := stat{Mean: sum / float64(n), Max: maxV, N: n}
	if n > 1 {
		meanX := float64(n-1) / 2
		var num, den float64
		for i, v := range values {
			dx := float64(i) - meanX
			num += dx * (v - s.Mean)
			den += dx * dx
		}
		s.RegCof = num / den
	}
	return s
}

// worse keeps, figure by figure, the larger of two workers' statistics, as Wazuh's report
// does for its "workers" rows.
func worse(a, b stat, bNode string) stat {
	if a.N == 0 {
		b.Node = bNode
		return b
	}
	if b.N == 0 {
		return a
	}
	out := a
	if b.Max > a.Max {
		out.Max, out.Node = b.Max, bNode
	}
	if b.Mean > a.Mean {
		out.Mean = b.Mean
	}
	if b.RegCof > a.RegCof {
		out.RegCof = b.RegCof
	}
	out.N += b.N
	return out
}

// nodeStats are one node's figures by phase: resources ("CPU(%)", "USS(KB)", "FD") and task
// durations ("agent-info_sync", …).
type nodeStats map[string]map[string]stat

func statsOf(samples []sample, tasks []task, win map[string]window) nodeStats {
	out := nodeStats{}
	for phase, w := range win {
		figures := map[string][]float64{}
		for _, s := range samples {
			if w.holds(s.at) {
				figures["CPU(%)"] = append(figures["CPU(%)"], s.cpu)
				figures["USS(KB)"] = append(figures["USS(KB)"], float64(s.ussKB))
				figures["FD"] = append(figures["FD"], float64(s.fds))
			}
		}
		for _, t := range tasks {
			if w.holds(t.at) {
				figures[t.file] = append(figures[t.file], t.spent)
			}
		}
		out[phase] = map[string]stat{}
		for name, values := range figures {
			out[phase][name] = describe(values)
		}
	}
	return out
}

package benchshape

import (
	"fmt"
	"io"
	"strings"
)

// limit is a mean and a maximum that a figure must stay under.
type limit struct{ Mean, Max float64 }

// wazuhThresholds are the public thresholds of Wazuh's release pipeline for 25 workers and
// 50,000 agents (wazuh-qa, tests/performance/test_cluster/test_cluster_performance/data/
// 25w_50000a_thresholds.yaml): a release fails when wazuh-clusterd passes one. Memory is in
// KB, as there; the steady window is held to the stable phase's.
var wazuhThresholds = map[string]map[string]map[string]limit{
	phaseSetup: {
		"agent-info_sync": {"master": {3.1, 31}, "workers": {8, 50}},
		"integrity_check": {"master": {8.3, 50}, "workers": {13.5, 55}},
		"integrity_sync":  {"master": {11, 54}, "workers": {3.2, 22}},
		"CPU(%)":          {"master": {79.42, 200.1}, "workers": {9.35, 47.85}},
		"FD":              {"master": {103.4, 160}, "workers": {70, 72.6}},
		"USS(KB)":         {"master": {216623, 1069926}, "workers": {116458, 208700}},
	},
	phaseStable: {
		"agent-info_sync": {"master": {1, 5}, "workers": {3.3, 8.5}},
		"integrity_check": {"master": {3, 6.5}, "workers": {6, 10}},
		"CPU(%)":          {"master": {53, 110}, "workers": {14, 40}},
		"FD":              {"master": {59, 70.5}, "workers": {72, 72.6}},
		"USS(KB)":         {"master": {155000, 300000}, "workers": {157321, 233266}},
	},
}

var figureOrder = []string{"CPU(%)", "USS(KB)", "FD", "agent-info_sync", "integrity_check", "integrity_sync"}

// Print writes the run's figures as a table: per phase, per figure, the master and the worst
// worker, beside Wazuh's threshold where there is one.
func (r Result) Print(w io.Writer) {
	fmt.Fprintf(w, "%d workers, %d agents (%d in the default group at the steady window): setup %s, steady %s\n\n",
		r.Workers, r.Agents, r.Grouped, r.Setup.Round(1e9), r.Steady)
	if r.OthersNice != 0 {
		fmt.Fprintf(w, "workers and agent simulators at niceness %d, the master at 0\n\n", r.OthersNice)
	}
	fmt.Fprintln(w, "| phase | figure | node | mean | max | reg_cof | Wazuh threshold mean / max | share of Wazuh's max |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, phase := range phaseOrder {
		for _, fig := range figureOrder {
			for _, role := range []string{"master", "workers"} {
				st := r.Master
				if role == "workers" {
					st = r.WorkersWorst
				}
				s, ok := st[phase][fig]
				if !ok || s.N == 0 {
					continue
				}
				who := role
				if role == "workers" && s.Node != "" {
					who = "workers (worst: " + s.Node + ")"
				}
				th, share := "", ""
				if l, ok := thresholdOf(phase, fig, role); ok {
					th = fmt.Sprintf("%s / %s", value(fig, l.Mean), value(fig, l.Max))
					share = fmt.Sprintf("%.1f%%", s.Max/l.Max*100)
				}
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", phase, label(fig), who,
					value(fig, s.Mean), value(fig, s.Max), value(fig, s.RegCof), th, share)
			}
		}
	}
}

func thresholdOf(phase, fig, role string) (limit, bool) {
	if phase == phaseSteady {
		phase = phaseStable
	}
	l, ok := wazuhThresholds[phase][fig][role]
	return l, ok
}

func label(fig string) string {
	switch fig {
	case "USS(KB)":
		return "USS (MB)"
	case "CPU(%)":
		return "CPU (% of a core)"
	case "FD":
		return "descriptors"
	}
	return fig + " (s)"
}

func value(fig string, v float64) string {
	switch fig {
	case "USS(KB)":
		return fmt.Sprintf("%.1f", v/1000)
	case "CPU(%)", "FD":
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// RowHeader names the columns of Row.
const RowHeader = "workers\tagents\tgrouped\tsetup_s\tmaster_cpu_mean\tmaster_cpu_max\tmaster_uss_mb_mean\tmaster_uss_mb_max\tworker_cpu_mean\tworker_uss_mb_max\tmaster_agentinfo_max_s\tmaster_check_max_s\tmaster_sync_setup_max_s\tworker_agentinfo_max_s"

// Row is one line of the growth table: the steady window's figures (tasks and resources) and
// the setup's integrity sync.
func (r Result) Row() string {
	m, wk := r.Master[phaseSteady], r.WorkersWorst[phaseSteady]
	cols := []string{
		fmt.Sprint(r.Workers), fmt.Sprint(r.Agents), fmt.Sprint(r.Grouped), fmt.Sprintf("%.0f", r.Setup.Seconds()),
		fmt.Sprintf("%.2f", m["CPU(%)"].Mean), fmt.Sprintf("%.1f", m["CPU(%)"].Max),
		fmt.Sprintf("%.1f", m["USS(KB)"].Mean/1000), fmt.Sprintf("%.1f", m["USS(KB)"].Max/1000),
		fmt.Sprintf("%.2f", wk["CPU(%)"].Mean), fmt.Sprintf("%.1f", wk["USS(KB)"].Max/1000),
		fmt.Sprintf("%.3f", m["agent-info_sync"].Max), fmt.Sprintf("%.3f", m["integrity_check"].Max),
		fmt.Sprintf("%.3f", r.Master[phaseSetup]["integrity_sync"].Max), fmt.Sprintf("%.3f", wk["agent-info_sync"].Max),
	}
	return strings.Join(cols, "\t")
}

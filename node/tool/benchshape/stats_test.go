package benchshape

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDescribeGivesMeanMaxAndSlope(t *testing.T) {
	s := describe([]float64{1, 3, 5, 7})
	if s.Mean != 4 || s.Max != 7 || math.Abs(s.RegCof-2) > 1e-9 || s.N != 4 {
		t.Fatalf("describe: %+v", s)
	}
	if s := describe([]float64{5}); s.Mean != 5 || s.Max != 5 || s.RegCof != 0 {
		t.Fatalf("one value: %+v", s)
	}
	if s := describe(nil); s.N != 0 {
		t.Fatalf("no value: %+v", s)
	}
}

func TestWorseKeepsTheWorstWorkerFigureByFigure(t *testing.T) {
	a := stat{Mean: 2, Max: 10, RegCof: 0.1, N: 3, Node: "worker_1"}
	got := worse(worse(stat{}, a, "worker_1"), stat{Mean: 5, Max: 8, RegCof: 0.05, N: 3}, "worker_2")
	if got.Mean != 5 || got.Max != 10 || got.RegCof != 0.1 || got.Node != "worker_1" {
		t.Fatalf("worse: %+v", got)
	}
}

func TestPhasesAreCutAtTheNodesIntegritySyncs(t *testing.T) {
	at := func(s int) time.Time { return time.Date(2026, 12, 6, 10, 0, s, 0, time.Local) }
	tasks := []task{
		{at: at(1), file: "integrity_check", spent: 0.1},
		{at: at(2), file: "integrity_sync", spent: 0.5},
		{at: at(5), file: "integrity_sync", spent: 0.7},
		{at: at(5), file: "agent-info_sync", spent: 0.2}, // the same second as the last sync: setup
		{at: at(9), file: "agent-info_sync", spent: 0.4},
	}
	win, ok := phases(tasks, at(8), at(10))
	if !ok {
		t.Fatal("no phases")
	}
	samples := []sample{{at: at(3), cpu: 50}, {at: at(6), cpu: 10}, {at: at(9), cpu: 20}}
	st := statsOf(samples, tasks, win)
	if s := st[phaseSetup]["integrity_sync"]; s.N != 2 || s.Max != 0.7 {
		t.Fatalf("setup syncs: %+v", s)
	}
	if s := st[phaseSetup]["agent-info_sync"]; s.N != 1 || s.Max != 0.2 {
		t.Fatalf("setup agent-info: %+v", s)
	}
	if s := st[phaseStable]["agent-info_sync"]; s.N != 1 || s.Max != 0.4 {
		t.Fatalf("stable agent-info: %+v", s)
	}
	if s := st[phaseStable]["CPU(%)"]; s.N != 2 || s.Mean != 15 {
		t.Fatalf("stable CPU: %+v", s)
	}
	if s := st[phaseSteady]["CPU(%)"]; s.N != 1 || s.Mean != 20 {
		t.Fatalf("steady CPU: %+v", s)
	}
	if _, ok := phases(tasks[:1], at(8), at(10)); ok {
		t.Fatal("a node that never synced has phases")
	}
}

// The tasks are read from the log rotated at midnight, then from cluster.log.
func TestReadTasksTakesTheFinishedLinesOfTheThreeTasks(t *testing.T) {
	rotated := `2026/12/06 10:00:01 INFO: [Worker worker_1] [Integrity check] Finished in 0.004s. Received metadata of 9 files. Sync required.
`
	log := `2026/12/06 10:00:02 INFO: [Worker worker_1] [Integrity sync] Finished in 0.120s.
2026/12/06 10:00:03 INFO: [Worker worker_1] [Agent-info sync] Finished in 0.010s. Updated 1 chunks.
2026/12/06 10:00:03 INFO: [Worker worker_1] [Agent-groups send] Finished in 0.010s. Updated 1 chunks.
2026/12/06 10:00:04 INFO: [Local integrity] Finished in 0.002s. Calculated metadata of 9 files.
not a log line
`
	dir := t.TempDir()
	path := filepath.Join(dir, "cluster.log")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	writeGzip(t, filepath.Join(dir, "cluster", "2026", "Dec", "cluster.log-06.gz"), rotated)
	tasks, err := readTasks(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []task{
		{file: "integrity_check", spent: 0.004}, {file: "integrity_sync", spent: 0.12}, {file: "agent-info_sync", spent: 0.01},
	}
	if len(tasks) != len(want) {
		t.Fatalf("tasks: %+v", tasks)
	}
	for i, w := range want {
		if tasks[i].file != w.file || tasks[i].spent != w.spent || tasks[i].at.Second() != i+1 {
			t.Fatalf("task %d: %+v, want %+v", i, tasks[i], w)
		}
	}
	synced, err := agentInfoSyncedSince(path, time.Date(2026, 12, 6, 10, 0, 3, 0, time.Local))
	if err != nil || !synced["worker_1"] || len(synced) != 1 {
		t.Fatalf("agent-info synced since: %v, %v", synced, err)
	}
}

func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

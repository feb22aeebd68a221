package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// Without GOGC the collector runs at defaultGCPercent; an operator's GOGC is left alone.
func TestTuneGCKeepsTheOperatorsGOGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	if old, set := os.LookupEnv("GOGC"); set {
		t.Cleanup(func() { _ = os.Setenv("GOGC", old) })
	}
	_ = os.Unsetenv("GOGC")
	tuneGC()
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Fatalf("without GOGC: %d%%, want %d%%", got, defaultGCPercent)
	}
	t.Setenv("GOGC", "100")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC=100: %d%%", got)
	}
}

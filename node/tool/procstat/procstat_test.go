package procstat

import (
	"os"
	"testing"
	"time"
)

func TestReadsThisProcess(t *testing.T) {
	pid := os.Getpid()
	// Spend CPU time that the kernel must account to this process.
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	cpu, err := CPUTime(pid)
	if err != nil || cpu <= 0 {
		t.Fatalf("CPU time %v, %v", cpu, err)
	}
	uss, err := USS(pid)
	if err != nil || uss < 1<<20 {
		t.Fatalf("USS %d, %v: a Go test binary holds more than 1 MiB of its own", uss, err)
	}
	f, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := FDs(pid)
	if err != nil || n < 4 {
		t.Fatalf("descriptors %d, %v: stdin, stdout, stderr and the open file at least", n, err)
	}
}

func TestAProcessThatIsGoneIsAnError(t *testing.T) {
	const noSuchPID = 1 << 30 // above pid_max
	if _, err := CPUTime(noSuchPID); err == nil {
		t.Fatal("CPU time of no process")
	}
	if _, err := USS(noSuchPID); err == nil {
		t.Fatal("USS of no process")
	}
	if _, err := FDs(noSuchPID); err == nil {
		t.Fatal("descriptors of no process")
	}
}

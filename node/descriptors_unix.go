//go:build unix

package node

import (
	"fmt"
	"math"
	"syscall"
)

// raiseDescriptorLimit sets the soft RLIMIT_NOFILE to the hard one and returns the soft limit
// in force, and the one it replaced when it raised it (0 otherwise). Go's runtime already does
// so at start on Linux; doing it here also covers a limit lowered since, and makes it logged.
func raiseDescriptorLimit() (limit, raisedFrom int, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, fmt.Errorf("getrlimit: %w", err)
	}
	if rl.Cur < rl.Max {
		old := rl.Cur
		raised := rl
		raised.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			rl, raisedFrom = raised, clampInt(uint64(old))
		} else {
			return clampInt(uint64(rl.Cur)), 0, fmt.Errorf("setrlimit to %d: %w", rl.Max, err)
		}
	}
	return clampInt(uint64(rl.Cur)), raisedFrom, nil
}

func clampInt(v uint64) int {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(v)
}

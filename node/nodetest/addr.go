package nodetest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/clusterd/clusterd/node"
)

// Loopback addresses: Linux routes all of 127/8 to lo. The second octet comes from the process
// id so that test binaries running in parallel rarely meet; the ports are checked free.
var (
	addrMu   sync.Mutex
	addrNext = 10
)

func nextIP() string {
	addrMu.Lock()
	defer addrMu.Unlock()
	second := 1 + os.Getpid()%250
	n := addrNext
	addrNext++
	return fmt.Sprintf("127.%d.%d.%d", second, n/250, 1+n%250)
}

// freePorts returns the cluster port and the gossip port of a test cluster whose members
// listen on ips: each free on every one of them, for TCP and UDP, and so is the cluster port's
// raft neighbour. They are taken below the kernel's ephemeral range, where no socket bound to
// port 0 (an enrollment listener, an outgoing connection) can take them before a member binds
// them, perhaps much later (a standby master binds the cluster port when it takes over).
func freePorts(ips []string) (int, int, error) {
	low := ephemeralLow()
	const first = 10000
	if low-first < 1000 {
		return 0, 0, fmt.Errorf("ephemeral ports start at %d: no room below them for the test ports", low)
	}
	for range 200 {
		port := first + rand.IntN(low-first-node.RaftPortOffset)
		gossip := first + rand.IntN(low-first)
		if gossip >= port && gossip <= port+node.RaftPortOffset {
			continue
		}
		if portsFree(ips, port, port+node.RaftPortOffset, gossip) {
			return port, gossip, nil
		}
	}
	return 0, 0, fmt.Errorf("no free ports below %d on %v", low, ips)
}

// ephemeralLow is where the kernel's range for ports bound to 0 starts (Linux's default when it
// cannot be read).
func ephemeralLow() int {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				low = n
			}
		}
	}
	return low
}

// portsFree reports whether every port is free for TCP and UDP on every ip.
func portsFree(ips []string, ports ...int) bool {
	var holds []io.Closer
	defer func() {
		for _, h := range holds {
			_ = h.Close()
		}
	}()
	for _, ip := range ips {
		for _, port := range ports {
			addr := net.JoinHostPort(ip, strconv.Itoa(port))
			tl, err := net.Listen("tcp", addr)
			if err != nil {
				return false
			}
			holds = append(holds, tl)
			ul, err := net.ListenPacket("udp", addr)
			if err != nil {
				return false
			}
			holds = append(holds, ul)
		}
	}
	return true
}

// NextIP is a loopback address no member of a test cluster uses: for a test's own listener (a
// proxy in front of the masters).
func NextIP() string { return nextIP() }

package nodetest

import (
	"fmt"
	"net"
	"os"
	"sync"
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

// freePorts returns two ports that are free for TCP and UDP on ip.
func freePorts(ip string) (int, int, error) {
	var ports []int
	var holds []func()
	defer func() {
		for _, h := range holds {
			h()
		}
	}()
	for len(ports) < 2 {
		tl, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			return 0, 0, fmt.Errorf("find a free port on %s: %w", ip, err)
		}
		port := tl.Addr().(*net.TCPAddr).Port
		ul, err := net.ListenPacket("udp", fmt.Sprintf("%s:%d", ip, port))
		if err != nil {
			_ = tl.Close()
			continue
		}
		holds = append(holds, func() { _ = tl.Close(); _ = ul.Close() })
		ports = append(ports, port)
	}
	return ports[0], ports[1], nil
}

// NextIP is a loopback address no member of a test cluster uses: for a test's own listener (a
// proxy in front of the masters).
func NextIP() string { return nextIP() }

package wire

import "sync"

// IPLimiter counts the simultaneous connections of each source IP on the master's cluster
// listener, so that the (max+1)th can be closed at once, as Wazuh 4.14.7 does with
// MAX_CONNECTIONS_PER_IP. It is safe for concurrent use.
type IPLimiter struct {
	max    int
	mu     sync.Mutex
	active map[string]int
}

// NewIPLimiter allows max simultaneous connections per IP; max ≤ 0 means MaxConnectionsPerIP.
func NewIPLimiter(max int) *IPLimiter {
	if max <= 0 {
		max = MaxConnectionsPerIP
	}
	return &IPLimiter{max: max, active: make(map[string]int)}
}

// Acquire registers a new connection from ip. n is the number of simultaneous connections from
// ip counting this one, for the warning Wazuh logs ("Too many connections from <ip> (<n>)").
// When ok is false the connection was not counted and must be closed; release is then a no-op.
// Otherwise release must be called exactly once when the connection ends; extra calls are
// ignored.
func (l *IPLimiter) Acquire(ip string) (release func(), n int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = l.active[ip] + 1
	if n > l.max {
		return func() {}, n, false
	}
	l.active[ip] = n
	var once sync.Once
	return func() { once.Do(func() { l.release(ip) }) }, n, true
}

// Active returns how many connections from ip are currently counted.
func (l *IPLimiter) Active(ip string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active[ip]
}

func (l *IPLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[ip] <= 1 {
		delete(l.active, ip)
		return
	}
	l.active[ip]--
}

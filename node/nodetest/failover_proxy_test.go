package nodetest_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
)

// masterProxy is what the documentation tells a Wazuh worker's operator to put in front of
// the master-eligible nodes: a TCP proxy that forwards each connection to the first of them
// that accepts it (only the acting master listens on the cluster port).
type masterProxy struct {
	ln      net.Listener
	targets []string
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
}

func startMasterProxy(t *testing.T, addr string, targets []string) *masterProxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &masterProxy{ln: ln, targets: targets, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *masterProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *masterProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		var up net.Conn
		for _, tgt := range p.targets {
			if up, err = net.DialTimeout("tcp", tgt, 500*time.Millisecond); err == nil {
				break
			}
		}
		if up == nil || !p.track(c, up) {
			_ = c.Close()
			if up != nil {
				_ = up.Close()
			}
			continue
		}
		p.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer p.wg.Done()
			_, _ = io.Copy(dst, src)
			_ = dst.Close()
			_ = src.Close()
		}
		go pipe(up, c)
		go pipe(c, up)
	}
}

func (p *masterProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// A worker that follows only the first address of its <nodes>, as a Wazuh 4.14.7 worker does,
// pointed at a TCP proxy in front of the three master-eligible nodes: after the acting master
// stops, it reconnects through the proxy to the new acting master.
func TestSingleAddressWorkerFollowsThroughAProxy(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3})
	port := c.Master().Node().Settings().Port
	var targets []string
	for _, m := range c.Masters() {
		targets = append(targets, net.JoinHostPort(m.IP, strconv.Itoa(port)))
	}
	proxyIP := nodetest.NextIP()
	startMasterProxy(t, net.JoinHostPort(proxyIP, strconv.Itoa(port)), targets)
	worker := nodetest.StartWorkerOf(t, &net.TCPAddr{IP: net.ParseIP(proxyIP), Port: port}, nodetest.Options{})

	connectedTo := func(master *nodetest.Member) error {
		if ok, err := worker.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("the worker is not connected (%v)", err)
		}
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		for _, name := range got {
			if name == worker.Name {
				if c.Master() != master {
					return errors.New("the acting master changed")
				}
				return nil
			}
		}
		return fmt.Errorf("%s lists %v", c.Master().Name, got)
	}
	first := c.Master()
	nodetest.Eventually(t, 20*time.Second, func() error { return connectedTo(first) })

	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	nodetest.Eventually(t, 30*time.Second, func() error {
		next := c.Master()
		if next == first || next.Node() == nil || !next.Node().ActingMaster() {
			return errors.New("no new acting master")
		}
		return connectedTo(next)
	})
}

package actors

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
)

// Socket is a listening socket that outlives restarts of the actor that accepts on it. The node
// binds it before the actors start, so a port in use or an unwritable folder is reported at
// start-up; an accepting actor that was stopped and is spawned again binds anew.
type Socket struct {
	network string
	addr    string
	mode    fs.FileMode // Unix sockets only
	wrap    func(net.Listener) net.Listener

	mu sync.Mutex
	ln net.Listener
}

// ListenTCP binds a TCP socket on addr ("ip:port"). wrap, when not nil, stands between every
// listener the socket binds and the actor accepting on it (test clusters cut chosen
// connections with it); the accept loop stops through the listener's SetDeadline, which a
// wrapper should pass on.
func ListenTCP(addr string, wrap func(net.Listener) net.Listener) (*Socket, error) {
	s := &Socket{network: "tcp", addr: addr, wrap: wrap}
	if _, err := s.get(); err != nil {
		return nil, err
	}
	return s, nil
}

// ListenUnix binds a Unix stream socket at path with the given permissions, replacing a stale
// socket file left by a node that died.
func ListenUnix(path string, mode fs.FileMode) (*Socket, error) {
	s := &Socket{network: "unix", addr: path, mode: mode}
	if _, err := s.get(); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is the bound address, or nil once closed.
func (s *Socket) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

func (s *Socket) get() (net.Listener, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln, nil
	}
	if s.network == "unix" {
		if err := os.Remove(s.addr); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove stale socket %s: %w", s.addr, err)
		}
	}
	ln, err := net.Listen(s.network, s.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	if s.network == "unix" {
		if err := os.Chmod(s.addr, s.mode); err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("chmod %s: %w", s.addr, err)
		}
	}
	if s.wrap != nil {
		ln = s.wrap(ln)
	}
	s.ln = ln
	return ln, nil
}

// Close stops accepting for good (a Unix socket's file is removed with it).
func (s *Socket) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		_ = s.ln.Close()
		s.ln = nil
	}
}

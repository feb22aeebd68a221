package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// profilingServer serves Go's runtime profiles (CPU, heap, goroutines, …) for `go tool pprof`,
// on an address the operator chose; clusterd serves nothing of the kind otherwise. It has its own
// mux so nothing registered on http.DefaultServeMux is exposed with it.
type profilingServer struct {
	srv  *http.Server
	addr net.Addr
	done chan error
}

// startProfiling listens on addr and serves /debug/pprof/ there until close.
func startProfiling(addr string) (*profilingServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("profiling listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	p := &profilingServer{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr(),
		done: make(chan error, 1),
	}
	go func() { p.done <- p.srv.Serve(ln) }()
	return p, nil
}

// close stops the server at once (a profile being taken is cut short).
func (p *profilingServer) close() error {
	err := p.srv.Close()
	if serveErr := <-p.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

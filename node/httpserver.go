package node

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// HTTPServer is one of the node's optional HTTP endpoints (metrics, profiles), each on the
// address an operator chose and with its own mux, so nothing registered on
// http.DefaultServeMux is ever exposed.
type HTTPServer struct {
	srv  *http.Server
	addr net.Addr
	done chan error
}

// startHTTP listens on addr and serves handler there until Close.
func startHTTP(what, addr string, handler http.Handler) (*HTTPServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s listener: %w", what, err)
	}
	s := &HTTPServer{
		srv:  &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr(),
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the server listens on.
func (s *HTTPServer) Addr() net.Addr { return s.addr }

// Close stops the server at once (a response being written, such as a CPU profile being
// taken, is cut short).
func (s *HTTPServer) Close() error {
	err := s.srv.Close()
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// StartProfiling serves Go's runtime profiles (CPU, heap, goroutines, …) under /debug/pprof/
// on addr, for `go tool pprof` (clusterd --pprof).
func StartProfiling(addr string) (*HTTPServer, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return startHTTP("profiling", addr, mux)
}

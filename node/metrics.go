package node

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsServer serves the node's Prometheus metrics on clusterd.metrics_addr (cluster.json).
type metricsServer struct {
	srv  *http.Server
	addr net.Addr
	done chan error
}

// startMetrics serves /metrics on the configured address; nothing when it is empty.
func (n *Node) startMetrics() error {
	addr := n.cfg.Internal.Clusterd.MetricsAddr
	if addr == "" {
		return nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&nodeCollector{n: n})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: metricsErrorLog{n}}))
	m := &metricsServer{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr(),
		done: make(chan error, 1),
	}
	go func() { m.done <- m.srv.Serve(ln) }()
	n.metrics = m
	n.log.Infof("Serving metrics on http://%s/metrics.", ln.Addr())
	return nil
}

func (n *Node) stopMetrics() error {
	m := n.metrics
	if m == nil {
		return nil
	}
	n.metrics = nil
	err := m.srv.Close()
	if serveErr := <-m.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		return fmt.Errorf("stop metrics: %w", err)
	}
	return nil
}

// MetricsAddr is where the node serves its metrics, nil when it does not.
func (n *Node) MetricsAddr() net.Addr {
	if n.metrics == nil {
		return nil
	}
	return n.metrics.addr
}

// metricsErrorLog sends promhttp's errors to the node's log.
type metricsErrorLog struct{ n *Node }

func (l metricsErrorLog) Println(v ...any) { l.n.log.Warn(append([]any{"Metrics: "}, v...)...) }

// storeCountTimeout bounds the agent count a scrape makes, so a busy store slows no scrape
// beyond it (the count is then left out).
const storeCountTimeout = 2 * time.Second

package node

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// startMetrics serves /metrics on the configured address; nothing when it is empty.
func (n *Node) startMetrics() error {
	addr := n.cfg.Internal.Clusterd.MetricsAddr
	if addr == "" {
		return nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&nodeCollector{n: n})
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: metricsErrorLog{n}}))
	m, err := startHTTP("metrics", addr, mux)
	if err != nil {
		return err
	}
	n.metrics = m
	n.log.Infof("Serving metrics on http://%s/metrics.", m.Addr())
	return nil
}

func (n *Node) stopMetrics() error {
	m := n.metrics
	if m == nil {
		return nil
	}
	n.metrics = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("stop metrics: %w", err)
	}
	return nil
}

// MetricsAddr is where the node serves its metrics, nil when it does not.
func (n *Node) MetricsAddr() net.Addr {
	if n.metrics == nil {
		return nil
	}
	return n.metrics.Addr()
}

// metricsErrorLog sends promhttp's errors to the node's log.
type metricsErrorLog struct{ n *Node }

func (l metricsErrorLog) Println(v ...any) { l.n.log.Warn(append([]any{"Metrics: "}, v...)...) }

// storeCountTimeout bounds the agent count a scrape makes, so a busy store slows no scrape
// beyond it (the count is then left out).
const storeCountTimeout = 2 * time.Second

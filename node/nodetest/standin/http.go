package standin

import (
	"net/http"
)

// maxHTTPBody bounds what the stand-in reads of a request body.
const maxHTTPBody = 512 << 20

// httpHandler routes wazuh-db's HTTP API as its router does: an unknown endpoint or method
// is 404, an exception in an endpoint 500 with an empty body.
func (w *WazuhDB) httpHandler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.countRequest(r.Method, r.URL.Path)
		if f := w.faults.httpFault(r.Method, r.URL.Path); f != nil {
			rw.WriteHeader(f.status)
			_, _ = rw.Write([]byte(f.body))
			return
		}
		body := http.MaxBytesReader(rw, r.Body, maxHTTPBody)
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v1/agents/sync":
			w.getAgentsSync(rw)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/agents/sync":
			w.postAgentsSync(rw, body)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/agents/summary":
			w.postAgentsSummary(rw, body)
		default:
			rw.WriteHeader(http.StatusNotFound)
		}
	})
}

func (w *WazuhDB) countRequest(method, path string) {
	w.counters.mu.Lock()
	w.counters.requests[method+" "+path]++
	w.counters.mu.Unlock()
}

// Requests is how many requests of method on path the HTTP socket received since the stand-in
// started ("GET", "/v1/agents/sync").
func (w *WazuhDB) Requests(method, path string) int {
	w.counters.mu.Lock()
	defer w.counters.mu.Unlock()
	return w.counters.requests[method+" "+path]
}

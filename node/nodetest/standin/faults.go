package standin

import (
	"strings"
	"sync"
)

// faults are the answers a test told the stand-in to give instead of its own.
type faults struct {
	mu       sync.Mutex
	commands []*commandFault
	http     []*httpFault
}

type commandFault struct {
	prefix string
	answer string
}

type httpFault struct {
	method, path string
	status       int
	body         string
}

// FailCommands makes every request of queue/db/wdb that starts with prefix answer answer
// ("err ...", or anything a broken wazuh-db could write; "" answers nothing at all, as
// wazuh-db does when it has nothing to say) until the returned function is called.
func (w *WazuhDB) FailCommands(prefix, answer string) (restore func()) {
	f := &commandFault{prefix: prefix, answer: answer}
	w.faults.mu.Lock()
	w.faults.commands = append(w.faults.commands, f)
	w.faults.mu.Unlock()
	return func() {
		w.faults.mu.Lock()
		defer w.faults.mu.Unlock()
		for i, c := range w.faults.commands {
			if c == f {
				w.faults.commands = append(w.faults.commands[:i], w.faults.commands[i+1:]...)
				return
			}
		}
	}
}

func (f *faults) command(request string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.commands {
		if strings.HasPrefix(request, c.prefix) {
			return c.answer, true
		}
	}
	return "", false
}

// FailHTTP makes every method request of path ("/v1/agents/sync") answer status with body
// until the returned function is called.
func (w *WazuhDB) FailHTTP(method, path string, status int, body string) (restore func()) {
	f := &httpFault{method: method, path: path, status: status, body: body}
	w.faults.mu.Lock()
	w.faults.http = append(w.faults.http, f)
	w.faults.mu.Unlock()
	return func() {
		w.faults.mu.Lock()
		defer w.faults.mu.Unlock()
		for i, h := range w.faults.http {
			if h == f {
				w.faults.http = append(w.faults.http[:i], w.faults.http[i+1:]...)
				return
			}
		}
	}
}

func (f *faults) httpFault(method, path string) *httpFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.http {
		if h.method == method && h.path == path {
			return h
		}
	}
	return nil
}

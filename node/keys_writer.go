package node

import (
	"context"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// keysWriter rewrites etc/client.keys from the master's store after changes, coalescing them:
// while one write runs, any number of further changes cause exactly one more. The store is the
// record (an enrollment is answered once its row is committed), and the file is derived from it
// (rewritten at every start too), so a crash between the two loses nothing; what this saves is
// one full rewrite and fsync per enrollment when many agents enroll at once.
type keysWriter struct {
	st   *wazuhdb.Store
	path string
	log  *logrus.Entry

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func startKeysWriter(st *wazuhdb.Store, path string, log *logrus.Entry) *keysWriter {
	ctx, cancel := context.WithCancel(context.Background())
	w := &keysWriter{st: st, path: path, log: log, kick: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go w.run(ctx)
	return w
}

// changed asks for a rewrite; it never blocks.
func (w *keysWriter) changed() {
	select {
	case w.kick <- struct{}{}:
	default: // a rewrite is already due; it will include this change
	}
}

func (w *keysWriter) run(ctx context.Context) {
	defer close(w.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
			w.write(ctx)
		}
	}
}

func (w *keysWriter) write(ctx context.Context) {
	if err := w.st.WriteClientKeys(ctx, w.path); err != nil && ctx.Err() == nil {
		w.log.WithError(err).Error("Could not write client.keys.")
	}
}

// stop ends the writer after a last rewrite if one was due.
func (w *keysWriter) stop() {
	w.once.Do(func() {
		w.cancel()
		<-w.done
		select {
		case <-w.kick:
			w.write(context.Background())
		default:
		}
	})
}

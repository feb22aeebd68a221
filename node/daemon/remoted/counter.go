package remoted

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/clusterd/clusterd/node/fsutil"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// counterSaveEvery is how many sent messages may go unsaved before the
// housekeeping goroutine is woken to write queue/rids/sender_counter (it is
// also written every KeysPoll when anything was sent, and at Stop). Wazuh
// writes it after every message; counters are not verified by default, so a
// few lost values after a crash do no harm.
const counterSaveEvery = 128

// senderCounter is remoted's one counter pair for everything it sends.
type senderCounter struct {
	path    string
	ctr     *agentproto.Counter
	unsaved atomic.Int64
	nudge   chan struct{}

	saveMu         sync.Mutex
	savedG, savedL uint32
}

func newSenderCounter(home string) *senderCounter {
	return &senderCounter{
		path:  filepath.Join(home, "queue", "rids", "sender_counter"),
		ctr:   agentproto.NewCounter(0, 0),
		nudge: make(chan struct{}, 1),
	}
}

// load reads the saved counter; a missing file starts at 0:0, a malformed
// one too (with the file rewritten at the next save).
func (c *senderCounter) load() error {
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read sender counter: %w", err)
	}
	g, l, err := agentproto.ParseCounterFile(b)
	if err != nil {
		return nil
	}
	c.ctr = agentproto.NewCounter(g, l)
	c.savedG, c.savedL = g, l
	return nil
}

// used notes one sent message.
func (c *senderCounter) used() {
	if c.unsaved.Add(1) == counterSaveEvery {
		select {
		case c.nudge <- struct{}{}:
		default:
		}
	}
}

// save writes the counter when it moved since the last save.
func (c *senderCounter) save() error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.unsaved.Store(0)
	g, l := c.ctr.Values()
	if g == c.savedG && l == c.savedL {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o750); err != nil {
		return fmt.Errorf("save sender counter: %w", err)
	}
	if err := fsutil.WriteFileAtomic(c.path, agentproto.FormatCounterFile(g, l), 0o640); err != nil {
		return fmt.Errorf("save sender counter: %w", err)
	}
	c.savedG, c.savedL = g, l
	return nil
}

package actors

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// newTaskID returns a random UUID4 in its 36-character text form, as Wazuh names the tasks
// that wait for a file (the answer to syn_i_w_m and syn_m_c).
func newTaskID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// packageName is the relative path of a package file, as Wazuh names it on both sides:
// queue/cluster/<worker>/<worker>-<unix time>-<uuid4 hex>.zip.
func packageName(worker string, now time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	ts := strconv.FormatFloat(float64(now.UnixMicro())/1e6, 'f', 6, 64)
	return fmt.Sprintf("queue/cluster/%s/%s-%s-%s.zip", worker, worker, ts, hex.EncodeToString(b[:]))
}

// taskSet is the set of task ids the peer asked to cancel (cancel_task). The session adds to
// it; the goroutine sending that task's file checks it after each chunk.
type taskSet struct {
	mu  sync.Mutex
	ids map[string]bool
}

// A peer names in cancel_task the task ids it gave out itself (UUID4 text), for the few files
// being sent to it at a time: the set keeps no id longer than maxTaskIDLen, nor more than
// maxCancelledTasks of them, so cancel_task after cancel_task cannot grow it without end.
const (
	maxTaskIDLen      = 64
	maxCancelledTasks = 64
)

func (t *taskSet) add(id string) {
	if len(id) > maxTaskIDLen {
		return // names no task of ours
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil || len(t.ids) >= maxCancelledTasks {
		t.ids = map[string]bool{}
	}
	t.ids[id] = true
}

func (t *taskSet) has(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ids[id]
}

func (t *taskSet) remove(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.ids, id)
}

package node

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// assignBatchTimeout bounds one write of default-group assignments.
const assignBatchTimeout = 10 * time.Second

// defaultAssigner applies the master's default-group assignments together: the requests that
// arrive while a write is under way (from the master's own agents and from every worker's,
// through sendsync) go in the next write, one transaction for all of them. One transaction
// per agent held a cluster of new agents to the pace of a commit each.
type defaultAssigner struct {
	db      *agentDB
	changed func()

	mu      sync.Mutex
	pending []assignRequest
	running bool
}

type assignRequest struct {
	id   int
	done chan assignResult // buffered: the flush never waits for a caller that gave up
}

type assignResult struct {
	groups []string
	err    error
}

// assign gives agent id the "default" group unless it has groups (empty_only) and returns its
// groups.
func (d *defaultAssigner) assign(ctx context.Context, id int) ([]string, error) {
	req := assignRequest{id: id, done: make(chan assignResult, 1)}
	d.mu.Lock()
	d.pending = append(d.pending, req)
	start := !d.running
	d.running = true
	d.mu.Unlock()
	if start {
		go d.flushAll()
	}
	select {
	case r := <-req.done:
		return r.groups, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// assignLinger is how long requests gather before each write. New agents' requests reach the
// master one by one from every worker, and written as they came, nearly each one took a
// transaction of its own: in a shape run the statements' parsing, the commits and their
// writes to the log cost more than the assignments. At 50 ms, the commits were still two
// fifths of the assignments' cost while 50,000 agents arrived (about 280 requests a second);
// an agent waits a fifth of a second longer for its group, once.
const assignLinger = 200 * time.Millisecond

// flushAll writes what is pending until nothing is.
func (d *defaultAssigner) flushAll() {
	for {
		time.Sleep(assignLinger)
		d.mu.Lock()
		batch := d.pending
		d.pending = nil
		if len(batch) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		d.flush(batch)
	}
}

func (d *defaultAssigner) flush(batch []assignRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), assignBatchTimeout)
	defer cancel()
	answer := func(err error) {
		for _, r := range batch {
			r.done <- assignResult{err: err}
		}
	}
	// Held agent-groups: the agents have groups the master no longer knows; they keep their
	// configuration rather than being moved to "default".
	if err := d.db.hold.check(); err != nil {
		answer(err)
		return
	}
	// An agent that has groups already needs no write, and the workers no agent-groups round:
	// a worker asks again for every agent it has not yet heard the groups of, and telling the
	// agent-groups task of each such no-op kept it running every second at rest (each run a
	// pass over every agent's groups, half the master's CPU with 50,000 agents).
	before, err := d.db.st.GroupNamesOf(ctx, requestIDs(batch))
	if err != nil {
		answer(err)
		return
	}
	var unassigned []assignRequest
	for _, r := range batch {
		if groups := before[r.id]; len(groups) > 0 {
			r.done <- assignResult{groups: groups}
			continue
		}
		unassigned = append(unassigned, r)
	}
	if len(unassigned) == 0 {
		return
	}
	batch = unassigned
	data := make([]wazuhdb.AgentGroups, len(batch))
	for i, r := range batch {
		data[i] = wazuhdb.AgentGroups{ID: r.id, Groups: []string{"default"}}
	}
	if err := d.db.groups.SetAgentGroups(ctx, wazuhdb.ModeEmptyOnly, "syncreq", data); err != nil {
		answer(fmt.Errorf("assign the default group to %d agents: %w", len(batch), err))
		return
	}
	d.changed()
	// Read again rather than answered "default": the write keeps groups another writer gave an
	// agent since the read above (empty_only). Only the groups column, of the whole batch at
	// once: reading whole agent rows one by one was half the CPU of a master assigning 50,000
	// new agents, and the groups column one agent at a time a tenth.
	after, err := d.db.st.GroupNamesOf(ctx, requestIDs(batch))
	for _, r := range batch {
		r.done <- assignResult{groups: after[r.id], err: err}
	}
}

func requestIDs(batch []assignRequest) []int {
	ids := make([]int, len(batch))
	for i, r := range batch {
		ids[i] = r.id
	}
	return ids
}

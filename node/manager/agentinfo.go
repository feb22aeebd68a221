package manager

import (
	"context"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// agentInfo is the agent-info side of wazuh-db (actors.AgentInfoStore, §6.1).
//
// On a worker, GET /v1/agents/sync marks every agent synced as wazuh-db answers it: there is
// nothing left to mark when the master confirms. So the rows read are held here until the
// master applied them (ConfirmAgentInfo), and merged with the next read when it did not: a sync
// that fails is sent again, with whatever changed since, for as long as the process lives.
// Wazuh's worker drops them. What is lost all the same, as in Wazuh: the rows of a read whose
// answer never arrives whole (the connection cut, an answer over the bound, one that does not
// parse), since wazuh-db marked them when it answered; and the rows held when the process stops.
//
// On the master, a worker's document is posted to wazuh-db in bodies of at most maxPost bytes,
// after a first pass that checks the whole document decodes: a document that fails half-way
// posts nothing. wazuh-db keeps what one body wrote when another fails; the worker then sends
// the whole document again, and writing a row twice is harmless.
type agentInfo struct {
	http    *wdb.HTTPClient
	log     *logrus.Entry
	maxPost int
	maxHeld int

	mu   sync.Mutex
	held *heldAgentInfo
	read uint64 // counts PendingAgentInfo calls: the token of the last one
}

func newAgentInfo(h *wdb.HTTPClient, log *logrus.Entry, maxPost int, maxHeld int64) *agentInfo {
	if maxHeld <= 0 {
		maxHeld = wdb.DefaultMaxSyncBody
	}
	return &agentInfo{http: h, log: log, maxPost: maxPost, maxHeld: int(maxHeld), held: newHeldAgentInfo()}
}

// PendingAgentInfo reads what changed from the worker's wazuh-db and returns it with what a
// previous read left unconfirmed. Beyond the bound of one document (maxHeld), the older rows
// are dropped, with a warning.
func (a *agentInfo) PendingAgentInfo(ctx context.Context) (messages.AgentInfoChunks, actors.AgentInfoToken, error) {
	fresh, err := a.http.AgentsSync(ctx)
	if err != nil {
		return messages.AgentInfoChunks{}, nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.held.merge(fresh)
	if a.held.bytes > a.maxHeld {
		dropped := a.held.agents()
		a.held = newHeldAgentInfo()
		a.held.merge(fresh)
		dropped -= a.held.agents()
		a.log.Warnf("Dropped the agent-info of %d agents the master has not confirmed: with what changed since, it takes more than %d bytes.",
			max(dropped, 0), a.maxHeld)
	}
	a.read++
	return a.held.chunks(), a.read, nil
}

// ConfirmAgentInfo forgets the rows the last read returned, once the master applied them.
// wazuh-db marked them synced already.
func (a *agentInfo) ConfirmAgentInfo(_ context.Context, token actors.AgentInfoToken) error {
	read, _ := token.(uint64)
	a.mu.Lock()
	defer a.mu.Unlock()
	if read == a.read && !a.held.empty() {
		a.held = newHeldAgentInfo()
	}
	return nil
}

// ApplyAgentInfo posts a worker's document to the master's wazuh-db (see agentInfo). It
// returns how many rows it posted.
func (a *agentInfo) ApplyAgentInfo(ctx context.Context, fill func(messages.AgentInfoVisitor) error) (int, error) {
	var check countRows
	if err := fill(&check); err != nil {
		return 0, err
	}
	if check.rows == 0 {
		return 0, nil
	}
	p := &poster{ctx: ctx, http: a.http, max: a.maxPost}
	if err := fill(p); err != nil {
		return p.posted, err
	}
	err := p.flush()
	return p.posted, err
}

// countRows checks a document decodes, counting its rows.
type countRows struct{ rows int }

func (c *countRows) Syncreq(items []messages.AgentInfoItem) error {
	c.rows += len(items)
	return nil
}

func (c *countRows) Keepalive(items []messages.AgentKeepaliveItem) error {
	c.rows += len(items)
	return nil
}

func (c *countRows) Status(items []messages.AgentStatusItem) error {
	c.rows += len(items)
	return nil
}

// poster encodes a document's batches into bodies and posts each once it reaches max bytes.
type poster struct {
	ctx    context.Context
	http   *wdb.HTTPClient
	max    int
	w      messages.AgentInfoChunksWriter
	body   []byte
	posted int
}

// A body is checked after each item, so it ends within one item (at most
// messages.MaxAgentInfoItemSize) past max, however large the walk's batches.

func (p *poster) Syncreq(items []messages.AgentInfoItem) error {
	for i := range items {
		_ = p.w.Syncreq(items[i : i+1])
		if err := p.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (p *poster) Keepalive(items []messages.AgentKeepaliveItem) error {
	for i := range items {
		_ = p.w.Keepalive(items[i : i+1])
		if err := p.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (p *poster) Status(items []messages.AgentStatusItem) error {
	for i := range items {
		_ = p.w.Status(items[i : i+1])
		if err := p.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (p *poster) flushIfFull() error {
	if p.w.Size() < p.max {
		return nil
	}
	return p.flush()
}

// flush posts what was encoded since the last flush.
func (p *poster) flush() error {
	if p.w.Items() == 0 {
		return nil
	}
	p.body = p.w.AppendTo(p.body[:0])
	if err := p.http.SetAgentsSync(p.ctx, p.body); err != nil {
		return err
	}
	p.posted += p.w.Items()
	p.w.Reset()
	return nil
}

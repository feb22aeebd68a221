package framework

import (
	"context"
	"sync"
)

// agentIDs is get_agents_info as the executor keeps it between calls: every agent id and the
// same as a set, shared read-only by the calls. The RBAC wildcard agent:id:* and every listing
// need them; reading 10,000 ids and building their set per request cost more than the rest of
// GET /agents?agents_list=<id>. Kept only over a store that says when it changed
// (Generational); otherwise read per call, as Wazuh's framework does.
type agentIDs struct {
	ids []string
	set agentSet
}

// agentSet is a set of agent ids.
type agentSet map[string]struct{}

func (s agentSet) has(id string) bool { _, ok := s[id]; return ok }

// agentIDCache holds the last agentIDs and the store generation read before them.
type agentIDCache struct {
	mu         sync.Mutex
	generation uint64
	cached     *agentIDs
}

// sharedAgentIDs returns the agent ids, from the cache when the store has not changed since
// they were read. One caller reads at a time, the others wait for its list: when a write
// makes the cache stale, the 32 requests the DAPI runs at once would otherwise read the
// 10,000 ids 32 times.
func (db *agentDB) sharedAgentIDs(ctx context.Context) (*agentIDs, error) {
	g, ok := db.store.(Generational)
	if !ok {
		return db.readAgentIDs(ctx)
	}
	db.ids.mu.Lock()
	defer db.ids.mu.Unlock()
	gen := g.Generation()
	if db.ids.cached != nil && db.ids.generation == gen {
		return db.ids.cached, nil
	}
	c, err := db.readAgentIDs(ctx)
	if err != nil {
		return nil, err
	}
	db.ids.generation, db.ids.cached = gen, c
	return c, nil
}

func (db *agentDB) readAgentIDs(ctx context.Context) (*agentIDs, error) {
	ids, err := db.agentIDs(ctx)
	if err != nil {
		return nil, err
	}
	set := make(agentSet, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	return &agentIDs{ids: ids, set: set}, nil
}

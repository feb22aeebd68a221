package node

import (
	"context"
	"fmt"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/ha"
)

// treeGate keeps a new acting master from distributing an older or empty file tree: every
// tree the acting master distributes is first recorded in the replicated log (a generation and
// the tree's digest), and a node that takes over distributes its own tree only if it is the
// recorded one. Otherwise it holds it back until its tree changes: the recorded tree arriving,
// or an operator's change on this node, which becomes the next generation.
type treeGate struct {
	store  *wazuhdb.Store
	member func() *ha.Member
	log    *logrus.Entry

	mu      sync.Mutex
	started bool   // a scan of this acting term was decided
	held    string // the digest held back at the takeover
}

// takeover starts a new acting term: its first scan is compared with the recorded tree.
func (g *treeGate) takeover() {
	g.mu.Lock()
	g.started, g.held = false, ""
	g.mu.Unlock()
}

// Distribute implements actors.TreeGate.
func (g *treeGate) Distribute(ctx context.Context, digest string) (bool, error) {
	gen, recorded, err := g.store.FileTree(ctx)
	if err != nil {
		return false, err
	}
	if digest == recorded {
		g.mu.Lock()
		g.started, g.held = true, ""
		g.mu.Unlock()
		return true, nil
	}
	g.mu.Lock()
	first := !g.started
	g.started = true
	if gen > 0 && (first || digest == g.held) {
		if first {
			g.held = digest
			g.log.Warnf("The files here are not generation %d of the distributed tree; holding them back.", gen)
		}
		g.mu.Unlock()
		return false, nil
	}
	g.held = ""
	g.mu.Unlock()
	if _, err := g.member().Propose(ctx, ha.OpFileTree, ha.FileTree{Generation: gen + 1, Digest: digest}); err != nil {
		return false, fmt.Errorf("record generation %d of the file tree: %w", gen+1, err)
	}
	g.log.Infof("Distributing generation %d of the file tree.", gen+1)
	return true, nil
}

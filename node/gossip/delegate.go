package gossip

import (
	"sync"

	"github.com/hashicorp/memberlist"
)

// metaDelegate is memberlist's Delegate. It only serves this member's Meta:
// user messages, broadcasts and push/pull state are unused because the Wazuh
// TCP protocol carries all data.
type metaDelegate struct {
	mu   sync.Mutex
	meta Meta
	raw  []byte
}

var _ memberlist.Delegate = (*metaDelegate)(nil)

// newMetaDelegate refuses a Meta that would not fit once Leave switches it
// to the longer StateLeaving, so a graceful leave can always be announced.
func newMetaDelegate(meta Meta) (*metaDelegate, error) {
	raw, err := encodeMeta(meta)
	if err != nil {
		return nil, err
	}
	leaving := meta
	leaving.State = StateLeaving
	if _, err := encodeMeta(leaving); err != nil {
		return nil, err
	}
	return &metaDelegate{meta: meta, raw: raw}, nil
}

// setState changes the advertised state; peers see it after UpdateNode.
func (d *metaDelegate) setState(state string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	next := d.meta
	next.State = state
	raw, err := encodeMeta(next)
	if err != nil {
		return err
	}
	d.meta, d.raw = next, raw
	return nil
}

// NodeMeta returns the encoded Meta, which encodeMeta already bounded to
// MetaMaxSize, the only limit memberlist asks for.
func (d *metaDelegate) NodeMeta(int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.raw
}

// NotifyMsg is unused: no user messages travel over gossip.
func (*metaDelegate) NotifyMsg([]byte) {}

// GetBroadcasts is unused: no user broadcasts travel over gossip.
func (*metaDelegate) GetBroadcasts(int, int) [][]byte { return nil }

// LocalState is unused: push/pull carries membership only.
func (*metaDelegate) LocalState(bool) []byte { return nil }

// MergeRemoteState is unused: push/pull carries membership only.
func (*metaDelegate) MergeRemoteState([]byte, bool) {}

// metaFilter is memberlist's AliveDelegate: a member whose meta is not a
// valid Meta never enters the membership, so every event carries a usable
// Meta.
type metaFilter struct{}

var _ memberlist.AliveDelegate = metaFilter{}

func (metaFilter) NotifyAlive(peer *memberlist.Node) error {
	_, err := DecodeMeta(peer.Meta)
	return err
}

package gossip

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// memberTable mirrors memberlist's view, including recently dead members
// (memberlist's public Members() hides them and forgets them silently).
type memberTable struct {
	mu        sync.Mutex
	members   map[string]tableEntry
	forgetAge time.Duration // how long a dead member stays listed
	now       func() time.Time
}

type tableEntry struct {
	member Member
	diedAt time.Time
}

func newMemberTable(forgetAge time.Duration) *memberTable {
	return &memberTable{
		members:   make(map[string]tableEntry),
		forgetAge: forgetAge,
		now:       time.Now,
	}
}

func (t *memberTable) setAlive(m Member) {
	m.Alive = true
	t.mu.Lock()
	defer t.mu.Unlock()
	t.members[m.Name] = tableEntry{member: m}
	t.forgetDeadLocked()
}

func (t *memberTable) setDead(m Member) {
	m.Alive = false
	t.mu.Lock()
	defer t.mu.Unlock()
	t.members[m.Name] = tableEntry{member: m, diedAt: t.now()}
	t.forgetDeadLocked()
}

// snapshot returns the members sorted by name.
func (t *memberTable) snapshot() []Member {
	t.mu.Lock()
	t.forgetDeadLocked()
	out := make([]Member, 0, len(t.members))
	for _, e := range t.members {
		out = append(out, e.member)
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (t *memberTable) forgetDeadLocked() {
	cutoff := t.now().Add(-t.forgetAge)
	for name, e := range t.members {
		if !e.member.Alive && e.diedAt.Before(cutoff) {
			delete(t.members, name)
		}
	}
}

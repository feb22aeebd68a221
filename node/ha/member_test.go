package ha

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

func TestGroupCommitsAndSurvivesTheLossOfItsLeader(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)

	want := map[int]AgentAdd{}
	for range 10 {
		a := g.enroll(leader)
		want[a.ID] = a
	}
	g.allHold(10*time.Second, want)

	g.stop(leader)
	next := g.acting(10 * time.Second)
	if next == leader {
		t.Fatalf("the stopped member %d is still named acting master", leader)
	}
	// Everything acknowledged before the loss is on the new acting master already.
	if err := g.holds(next, want); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		a := g.enroll(next)
		if _, used := want[a.ID]; used {
			t.Fatalf("id %03d given twice", a.ID)
		}
		want[a.ID] = a
	}
	g.allHold(10*time.Second, want)

	// The old leader comes back as a follower and catches up.
	g.start(leader, nil)
	g.allHold(10*time.Second, want)
	if got := g.acting(10 * time.Second); got != next {
		t.Logf("acting master moved from %d to %d after the return of %d", next, got, leader)
	}
}

func TestFollowerRefusesProposals(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	for id, m := range g.members {
		if id == leader {
			continue
		}
		_, err := m.Propose(context.Background(), OpGroupCreate, GroupName{Name: "g1"})
		if !errors.Is(err, ErrNotLeader) {
			t.Fatalf("member %d: proposal on a follower: %v", id, err)
		}
	}
}

func TestMinorityLeaderStepsDown(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	want := map[int]AgentAdd{}
	a := g.enroll(leader)
	want[a.ID] = a
	g.allHold(10*time.Second, want)

	// Stop both followers: the leader no longer hears a quorum and must stop acting
	// (CheckQuorum), refusing writes.
	for id := range g.members {
		if id != leader {
			g.stop(id)
		}
	}
	m := g.members[leader]
	poll.Until(t, 5*time.Second, "the leader without a quorum stops acting", func() bool { return !m.IsActing() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := m.Propose(ctx, OpGroupCreate, GroupName{Name: "g1"}); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("a proposal on a leader without quorum: %v", err)
	}
}

func TestWholeGroupRestartsWithItsState(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	want := map[int]AgentAdd{}
	for range 5 {
		a := g.enroll(leader)
		want[a.ID] = a
	}
	g.allHold(10*time.Second, want)
	for id := range g.peers {
		g.stop(id)
	}
	for id := range g.peers {
		g.start(id, nil)
	}
	leader = g.acting(10 * time.Second)
	a := g.enroll(leader)
	if _, used := want[a.ID]; used {
		t.Fatalf("id %03d given twice after the restart", a.ID)
	}
	want[a.ID] = a
	g.allHold(10*time.Second, want)
}

// A member whose store was lost rebuilds it from the log: the applied index lives in the
// store, so a new store applies every entry again.
func TestLostStoreIsRebuiltFromTheLog(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	want := map[int]AgentAdd{}
	for range 3 {
		a := g.enroll(leader)
		want[a.ID] = a
	}
	g.allHold(10*time.Second, want)
	var follower uint64
	for id := range g.members {
		if id != leader {
			follower = id
		}
	}
	g.stop(follower)
	for _, f := range []string{"global.db", "global.db-wal", "global.db-shm"} {
		if err := os.Remove(filepath.Join(g.dirs[follower], f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	g.start(follower, nil)
	g.allHold(10*time.Second, want)
}

package actors

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// recordingAgentInfoStore records, per ApplyAgentInfo call (one transaction), the keepalive ids
// it was handed. Its first call waits for release; a call that is handed refuseID fails.
type recordingAgentInfoStore struct {
	AgentInfoStore
	release  chan struct{}
	refuseID int

	mu           sync.Mutex
	calls        int
	transactions [][]int
}

func (s *recordingAgentInfoStore) ApplyAgentInfo(ctx context.Context, fill func(messages.AgentInfoVisitor) error) (int, error) {
	s.mu.Lock()
	s.calls++
	first := s.calls == 1
	s.mu.Unlock()
	if first {
		<-s.release
	}
	var v keepaliveRecorder
	if err := fill(&v); err != nil {
		return 0, err
	}
	if slices.Contains(v.ids, s.refuseID) {
		return 0, errors.New("constraint failed")
	}
	s.mu.Lock()
	s.transactions = append(s.transactions, v.ids)
	s.mu.Unlock()
	return len(v.ids), nil
}

// written returns the ids of each transaction, sorted (the goroutines of a test arrive in any
// order), transactions in the order of their smallest id.
func (s *recordingAgentInfoStore) written() [][]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]int, len(s.transactions))
	for i, ids := range s.transactions {
		out[i] = slices.Sorted(slices.Values(ids))
	}
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

type keepaliveRecorder struct{ ids []int }

func (r *keepaliveRecorder) Syncreq([]messages.AgentInfoItem) error  { return nil }
func (r *keepaliveRecorder) Status([]messages.AgentStatusItem) error { return nil }
func (r *keepaliveRecorder) Keepalive(items []messages.AgentKeepaliveItem) error {
	for _, it := range items {
		r.ids = append(r.ids, it.ID)
	}
	return nil
}

// keepaliveDocument is a worker's agent-info document keeping the agent id alive.
func keepaliveDocument(id int) []byte {
	return fmt.Appendf(nil, `{"chunks": {"syncreq_keepalive": [%d]}, "set_data_command": "global sync-agent-info-set"}`, id)
}

func (g *agentInfoGroup) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// The documents that arrive while one is being applied are written together in the next
// transaction, each still answered with its own outcome; when that transaction fails, each is
// written alone, so the one the store refuses costs the others nothing.
func TestAgentInfoDocumentsWaitingTogetherShareATransaction(t *testing.T) {
	store := &recordingAgentInfoStore{release: make(chan struct{}), refuseID: 4}
	group := newAgentInfoGroup()
	ctx := context.Background()
	results := make([]*agentInfoApplied, 6)
	var wg sync.WaitGroup
	apply := func(i int) {
		wg.Go(func() { results[i] = applyAgentInfo(ctx, group, store, keepaliveDocument(i), time.Now) })
	}
	// applyWhileFirstIsApplied applies the document first, then the others while it is held.
	applyWhileFirstIsApplied := func(first int, others ...int) {
		apply(first)
		poll.Until(t, waitTimeout, "the first document being applied", func() bool {
			store.mu.Lock()
			defer store.mu.Unlock()
			return store.calls == 1
		})
		for _, i := range others {
			apply(i)
		}
		poll.Until(t, waitTimeout, "the others waiting", func() bool { return group.waiting() == len(others) })
		close(store.release)
		wg.Wait()
	}
	applyWhileFirstIsApplied(0, 1, 2, 3)
	if got, want := store.written(), [][]int{{0}, {1, 2, 3}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("transactions %v, want %v", got, want)
	}

	// One refused document among those waiting together: the others are written.
	store.release = make(chan struct{})
	store.mu.Lock()
	store.calls, store.transactions = 0, nil
	store.mu.Unlock()
	applyWhileFirstIsApplied(0, 3, 4, 5)
	if got, want := store.written(), [][]int{{0}, {3}, {5}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("transactions %v, want %v", got, want)
	}
	for _, i := range []int{0, 3, 5} {
		if r := results[i]; r.err != nil || len(r.result.ErrorMessages) > 0 || r.result.UpdatedChunks != 1 {
			t.Errorf("document %d: %v %v, %d chunks", i, r.err, r.result.ErrorMessages, r.result.UpdatedChunks)
		}
	}
	if r := results[4]; len(r.result.ErrorMessages) != 1 || r.result.UpdatedChunks != 0 {
		t.Errorf("the refused document: %v, %d chunks", r.result.ErrorMessages, r.result.UpdatedChunks)
	}
	if group.waiting() != 0 || group.leading {
		t.Fatalf("the group still holds %d documents (leading %v)", group.waiting(), group.leading)
	}
}

// A document whose worker stops waiting leaves the queue and is never written; the lead goes on
// to the next document.
func TestAgentInfoDocumentGivenUpWhileWaitingIsNotWritten(t *testing.T) {
	store := &recordingAgentInfoStore{release: make(chan struct{})}
	group := newAgentInfoGroup()
	var wg sync.WaitGroup
	var first, late, next *agentInfoApplied
	wg.Go(func() { first = applyAgentInfo(context.Background(), group, store, keepaliveDocument(1), time.Now) })
	poll.Until(t, waitTimeout, "the first document being applied", func() bool {
		store.mu.Lock()
		defer store.mu.Unlock()
		return store.calls == 1
	})
	ctx, cancel := context.WithCancel(context.Background())
	wg.Go(func() { late = applyAgentInfo(ctx, group, store, keepaliveDocument(2), time.Now) })
	poll.Until(t, waitTimeout, "the second document waiting", func() bool { return group.waiting() == 1 })
	cancel()
	poll.Until(t, waitTimeout, "the second document given up", func() bool { return group.waiting() == 0 })
	wg.Go(func() { next = applyAgentInfo(context.Background(), group, store, keepaliveDocument(3), time.Now) })
	poll.Until(t, waitTimeout, "the third document waiting", func() bool { return group.waiting() == 1 })
	close(store.release)
	wg.Wait()
	if got, want := store.written(), [][]int{{1}, {3}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("transactions %v, want %v", got, want)
	}
	if len(late.result.ErrorMessages) != 1 || first.result.UpdatedChunks != 1 || next.result.UpdatedChunks != 1 {
		t.Fatalf("outcomes: first %+v, given up %+v, next %+v", first.result, late.result, next.result)
	}
}

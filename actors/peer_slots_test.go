package actors

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// No peer ever has more than its slots under way, peers do not share them, and no entry
// outlives the requests that made it.
func TestPeerSlotsBoundEachPeer(t *testing.T) {
	const per, perPeer = 3, 40
	slots := newPeerSlots(per)
	var (
		wg           sync.WaitGroup
		inUse, worst [2]atomic.Int32
	)
	for peer := range 2 {
		for range perPeer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := slots.acquire(context.Background(), []string{"w1", "w2"}[peer])
				if err != nil {
					t.Error(err)
					return
				}
				n := inUse[peer].Add(1)
				for {
					w := worst[peer].Load()
					if n <= w || worst[peer].CompareAndSwap(w, n) {
						break
					}
				}
				for range 10 {
					runtime.Gosched() // hold the slot while others try
				}
				inUse[peer].Add(-1)
				release()
			}()
		}
	}
	wg.Wait()
	for peer := range 2 {
		if w := worst[peer].Load(); w < 1 || w > per {
			t.Fatalf("peer %d had %d under way at once, want 1..%d", peer, w, per)
		}
	}
	if n := slots.tracked(); n != 0 {
		t.Fatalf("%d peers still tracked after every release", n)
	}
}

func TestPeerSlotsWaitEndsWithContext(t *testing.T) {
	slots := newPeerSlots(1)
	release, err := slots.acquire(context.Background(), "w1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := slots.acquire(ctx, "w1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire of a full peer = %v, want the context's end", err)
	}
	release()
	if n := slots.tracked(); n != 0 {
		t.Fatalf("%d peers still tracked", n)
	}
}

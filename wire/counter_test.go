package wire

import (
	"sync"
	"testing"
)

func TestCounterIncrementsAndWraps(t *testing.T) {
	c := &Counter{}
	c.last.Store(0xfffffffe)
	if got := []uint32{c.Next(), c.Next(), c.Next()}; got[0] != 0xffffffff || got[1] != 0 || got[2] != 1 {
		t.Fatalf("got %v, want [4294967295 0 1]", got)
	}
}

func TestCounterStartsAtRandom(t *testing.T) {
	// Eight counters all starting at the same value would mean the seed is not random.
	first := NewCounter().Next()
	for range 8 {
		if NewCounter().Next() != first {
			return
		}
	}
	t.Fatal("nine counters started at the same value")
}

func TestCounterIsSafeForConcurrentUse(t *testing.T) {
	c := NewCounter()
	start := c.Next()
	const workers, each = 8, 1000
	seen := make(chan uint32, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				seen <- c.Next()
			}
		})
	}
	wg.Wait()
	close(seen)
	unique := make(map[uint32]bool)
	for v := range seen {
		if unique[v] {
			t.Fatalf("value %d handed out twice", v)
		}
		unique[v] = true
	}
	if c.Next() != start+workers*each+1 {
		t.Fatal("increments were lost")
	}
}

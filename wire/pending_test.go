package wire

import (
	"slices"
	"testing"
	"time"
)

var pendingEpoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func TestPendingTableResolveReturnsTheWaitingEntryOnce(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(7, "echo", pendingEpoch.Add(DefaultRequestTimeout))
	table.Add(8, "hello", pendingEpoch.Add(DefaultRequestTimeout))

	got, ok := table.Resolve(7)
	if !ok || got != "echo" {
		t.Fatalf("Resolve(7) = %q, %v; want echo, true", got, ok)
	}
	if _, ok := table.Resolve(7); ok {
		t.Fatal("second Resolve(7) succeeded; the entry must be removed by the first")
	}
	if table.Len() != 1 {
		t.Fatalf("Len = %d, want 1", table.Len())
	}
}

func TestPendingTableMatchTellsRequestsFromResponses(t *testing.T) {
	table := NewPendingTable[int]()
	table.Add(100, 1, pendingEpoch.Add(time.Second))

	if _, match := table.Match(101); match != MatchRequest {
		t.Fatalf("unknown counter matched as %v, want MatchRequest", match)
	}
	v, match := table.Match(100)
	if match != MatchResponse || v != 1 {
		t.Fatalf("Match(100) = %d, %v; want 1, MatchResponse", v, match)
	}
}

func TestPendingTableExpireReturnsOverdueEntriesInDeadlineOrder(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(3, "third", pendingEpoch.Add(3*time.Second))
	table.Add(1, "first", pendingEpoch.Add(1*time.Second))
	table.Add(2, "second", pendingEpoch.Add(2*time.Second))
	table.Add(4, "later", pendingEpoch.Add(time.Minute))

	if next, ok := table.NextDeadline(); !ok || !next.Equal(pendingEpoch.Add(time.Second)) {
		t.Fatalf("NextDeadline = %v, %v; want %v", next, ok, pendingEpoch.Add(time.Second))
	}
	if got := table.Expire(pendingEpoch.Add(500 * time.Millisecond)); len(got) != 0 {
		t.Fatalf("Expire before any deadline returned %v", got)
	}
	got := table.Expire(pendingEpoch.Add(3 * time.Second)) // a deadline equal to now has passed
	if want := []string{"first", "second", "third"}; !slices.Equal(got, want) {
		t.Fatalf("Expire = %v, want %v", got, want)
	}
	if table.Len() != 1 {
		t.Fatalf("Len after Expire = %d, want 1", table.Len())
	}
	if next, ok := table.NextDeadline(); !ok || !next.Equal(pendingEpoch.Add(time.Minute)) {
		t.Fatalf("NextDeadline after Expire = %v, %v", next, ok)
	}
}

func TestPendingTableDiscardsALateResponseOnce(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(42, "syn_i_w_m", pendingEpoch.Add(DefaultRequestTimeout))
	table.Expire(pendingEpoch.Add(DefaultRequestTimeout))

	if _, ok := table.Resolve(42); ok {
		t.Fatal("Resolve of an expired counter succeeded")
	}
	table.Add(43, "echo", pendingEpoch.Add(2*DefaultRequestTimeout))
	table.Expire(pendingEpoch.Add(2 * DefaultRequestTimeout))
	if _, match := table.Match(43); match != MatchLate {
		t.Fatalf("late response matched as %v, want MatchLate", match)
	}
	// Wazuh deletes the expired box entry when its late response arrives: the counter is then
	// free, and a message carrying it again is a request.
	if _, match := table.Match(43); match != MatchRequest {
		t.Fatalf("second late message matched as %v, want MatchRequest", match)
	}
}

func TestPendingTableForgetsExpiredMarkersAfterRetention(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(5, "x", pendingEpoch)
	table.Expire(pendingEpoch)
	table.Expire(pendingEpoch.Add(expiredMarkerRetention - time.Second))
	if _, match := table.Match(5); match != MatchLate {
		t.Fatalf("marker forgotten before its retention: %v", match)
	}

	table.Add(6, "y", pendingEpoch)
	table.Expire(pendingEpoch)
	table.Expire(pendingEpoch.Add(expiredMarkerRetention))
	if _, match := table.Match(6); match != MatchRequest {
		t.Fatalf("marker still remembered after its retention: %v", match)
	}
	if len(table.expired) != 0 || len(table.expiredOrder) != 0 {
		t.Fatalf("markers left: %d in map, %d in order", len(table.expired), len(table.expiredOrder))
	}
}

func TestPendingTableCapsExpiredMarkers(t *testing.T) {
	table := NewPendingTable[uint32]()
	const extra = 10
	for c := range uint32(maxExpiredMarkers + extra) {
		table.Add(c, c, pendingEpoch)
	}
	table.Expire(pendingEpoch)

	if len(table.expired) != maxExpiredMarkers {
		t.Fatalf("%d markers kept, want the cap %d", len(table.expired), maxExpiredMarkers)
	}
	if _, match := table.Match(0); match != MatchRequest {
		t.Fatalf("oldest marker kept past the cap: %v", match)
	}
	if _, match := table.Match(maxExpiredMarkers + extra - 1); match != MatchLate {
		t.Fatalf("newest marker dropped: %v", match)
	}
}

func TestPendingTableStaleMarkerSlotsDoNotAccumulate(t *testing.T) {
	table := NewPendingTable[uint32]()
	table.Add(0, 0, pendingEpoch) // a live marker at the head keeps the ones behind it in place
	table.Expire(pendingEpoch)
	for c := uint32(1); c <= 3*maxExpiredMarkers; c++ {
		table.Add(c, c, pendingEpoch)
		table.Expire(pendingEpoch)
		table.Match(c) // late response consumes the marker, leaving a stale slot
	}
	if len(table.expiredOrder) > 2*maxExpiredMarkers {
		t.Fatalf("%d marker slots kept for %d live markers", len(table.expiredOrder), len(table.expired))
	}
	if _, match := table.Match(0); match != MatchLate {
		t.Fatalf("live head marker lost: %v", match)
	}
}

func TestPendingTableAddReplacesAPendingCounter(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(9, "old", pendingEpoch.Add(time.Second))
	table.Add(9, "new", pendingEpoch.Add(time.Hour))

	if table.Len() != 1 {
		t.Fatalf("Len = %d, want 1", table.Len())
	}
	if got := table.Expire(pendingEpoch.Add(time.Minute)); len(got) != 0 {
		t.Fatalf("the replaced deadline still fired: %v", got)
	}
	if got, ok := table.Resolve(9); !ok || got != "new" {
		t.Fatalf("Resolve(9) = %q, %v; want new, true", got, ok)
	}
}

func TestPendingTableAddClearsAnExpiredMarker(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(1, "first", pendingEpoch)
	table.Expire(pendingEpoch)
	table.Add(1, "after wrap-around", pendingEpoch.Add(time.Hour))
	if got, match := table.Match(1); match != MatchResponse || got != "after wrap-around" {
		t.Fatalf("Match(1) = %q, %v; want the new entry", got, match)
	}
}

func TestPendingTableDrainEmptiesEverything(t *testing.T) {
	table := NewPendingTable[string]()
	table.Add(1, "b", pendingEpoch.Add(2*time.Second))
	table.Add(2, "a", pendingEpoch.Add(1*time.Second))
	table.Add(3, "gone", pendingEpoch)
	table.Expire(pendingEpoch)

	if got, want := table.Drain(), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Fatalf("Drain = %v, want %v", got, want)
	}
	if table.Len() != 0 {
		t.Fatalf("Len after Drain = %d", table.Len())
	}
	if _, ok := table.NextDeadline(); ok {
		t.Fatal("NextDeadline reports a deadline after Drain")
	}
	if _, match := table.Match(3); match != MatchRequest {
		t.Fatalf("expired marker survived Drain: %v", match)
	}
	if got := table.Drain(); len(got) != 0 {
		t.Fatalf("second Drain = %v", got)
	}
}

func BenchmarkPendingTableAddMatch(b *testing.B) {
	table := NewPendingTable[int]()
	// A steady backlog, as on a busy connection.
	for c := range uint32(64) {
		table.Add(c, int(c), pendingEpoch.Add(DefaultRequestTimeout))
	}
	b.ReportAllocs()
	counter := uint32(64)
	for b.Loop() {
		table.Add(counter, 1, pendingEpoch.Add(DefaultRequestTimeout))
		table.Match(counter - 32)
		table.Add(counter-32, 1, pendingEpoch.Add(DefaultRequestTimeout))
		table.Match(counter)
		counter++
	}
}

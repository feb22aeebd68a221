package wire

import (
	"container/heap"
	"time"
)

// DefaultRequestTimeout is Wazuh's timeout_cluster_request: how long a requester waits for the
// response to one request (cluster.json intervals.communication, §16.2).
const DefaultRequestTimeout = 20 * time.Second

const (
	// expiredMarkerRetention is how long the counter of a timed-out request is remembered so that
	// its late response is dropped rather than dispatched as a new request. Wazuh keeps the marker
	// forever; a peer that answers ten minutes late has long been declared dead by the keepalive.
	expiredMarkerRetention = 10 * time.Minute

	// maxExpiredMarkers bounds the memory held by markers however often requests time out.
	maxExpiredMarkers = 4096
)

// PendingMatch says what an incoming complete message is, given the table of outstanding
// requests (§1.2: the counter alone decides).
type PendingMatch int

const (
	// MatchRequest: the counter is not outstanding, so the message is a request from the peer
	// and must be dispatched and answered.
	MatchRequest PendingMatch = iota
	// MatchResponse: the message answers an outstanding request.
	MatchResponse
	// MatchLate: the message answers a request that already timed out; Wazuh drops it silently.
	MatchLate
)

// expiredMarker remembers when the request with counter timed out.
type expiredMarker struct {
	counter   uint32
	expiredAt time.Time
}

// PendingTable maps the counters of outstanding requests to whatever waits for their responses,
// with a deadline each (timeout_cluster_request). It is Wazuh's "box" (§1.2), including the
// expired entries whose late responses are discarded. It is a plain data structure, not safe for
// concurrent use: it lives inside the one actor that owns a connection, and that actor drives
// expiry from a timer armed with NextDeadline.
type PendingTable[T any] struct {
	entries   map[uint32]*pendingEntry[T]
	deadlines deadlineHeap[T]
	// expired maps the counter of a timed-out request to the time it timed out; expiredOrder
	// holds the same markers oldest first so they can be forgotten in order. A marker removed
	// from the map early (late response, counter reused) leaves a stale slot in expiredOrder,
	// recognised because the map no longer holds that exact expiry time.
	expired      map[uint32]time.Time
	expiredOrder []expiredMarker
}

// NewPendingTable returns an empty table.
func NewPendingTable[T any]() *PendingTable[T] {
	return &PendingTable[T]{
		entries: make(map[uint32]*pendingEntry[T]),
		expired: make(map[uint32]time.Time),
	}
}

// Add registers an outstanding request. Counters advance by one per request modulo 2^32, so a
// counter still pending is never reused in practice; if it is, the new entry replaces the old.
func (p *PendingTable[T]) Add(counter uint32, v T, deadline time.Time) {
	delete(p.expired, counter)
	if entry, ok := p.entries[counter]; ok {
		entry.value = v
		entry.deadline = deadline
		heap.Fix(&p.deadlines, entry.index)
		return
	}
	entry := &pendingEntry[T]{counter: counter, value: v, deadline: deadline}
	p.entries[counter] = entry
	heap.Push(&p.deadlines, entry)
}

// Match classifies an incoming message by its counter and, for a response, removes and returns
// the waiting entry. A late response consumes the expired marker, as Wazuh deletes the box entry.
func (p *PendingTable[T]) Match(counter uint32) (T, PendingMatch) {
	if entry, ok := p.entries[counter]; ok {
		p.remove(entry)
		return entry.value, MatchResponse
	}
	var zero T
	if _, ok := p.expired[counter]; ok {
		delete(p.expired, counter)
		return zero, MatchLate
	}
	return zero, MatchRequest
}

// Resolve removes and returns the entry waiting for counter. It returns false if the counter is
// unknown or its request already expired (the expired marker is consumed, like Match does); a
// connection handler that must also tell late responses from requests uses Match.
func (p *PendingTable[T]) Resolve(counter uint32) (T, bool) {
	v, match := p.Match(counter)
	return v, match == MatchResponse
}

// Expire removes and returns, earliest deadline first, the entries whose deadline is not after
// now. Their counters become expired: a later response for one of them is late (Match) and
// Resolve returns false. Markers older than expiredMarkerRetention are forgotten here.
func (p *PendingTable[T]) Expire(now time.Time) []T {
	var timedOut []T
	for len(p.deadlines) > 0 && !p.deadlines[0].deadline.After(now) {
		entry := heap.Pop(&p.deadlines).(*pendingEntry[T])
		delete(p.entries, entry.counter)
		timedOut = append(timedOut, entry.value)
		p.markExpired(entry.counter, now)
	}
	p.forgetMarkers(now)
	return timedOut
}

// Len returns the number of outstanding requests (expired markers are not counted).
func (p *PendingTable[T]) Len() int { return len(p.entries) }

// NextDeadline returns the earliest deadline among outstanding requests, for arming the
// owner's expiry timer; false when nothing is outstanding.
func (p *PendingTable[T]) NextDeadline() (time.Time, bool) {
	if len(p.deadlines) == 0 {
		return time.Time{}, false
	}
	return p.deadlines[0].deadline, true
}

// Drain empties the table when the connection is lost and returns every outstanding entry,
// earliest deadline first, so each waiter can be failed. Expired markers are dropped too: no
// response can arrive on a closed connection.
func (p *PendingTable[T]) Drain() []T {
	outstanding := make([]T, 0, len(p.deadlines))
	for len(p.deadlines) > 0 {
		outstanding = append(outstanding, heap.Pop(&p.deadlines).(*pendingEntry[T]).value)
	}
	clear(p.entries)
	clear(p.expired)
	p.expiredOrder = nil
	return outstanding
}

func (p *PendingTable[T]) remove(entry *pendingEntry[T]) {
	heap.Remove(&p.deadlines, entry.index)
	delete(p.entries, entry.counter)
}

func (p *PendingTable[T]) markExpired(counter uint32, now time.Time) {
	p.expired[counter] = now
	p.expiredOrder = append(p.expiredOrder, expiredMarker{counter: counter, expiredAt: now})
}

// forgetMarkers drops markers past their retention, and the oldest ones beyond the cap.
func (p *PendingTable[T]) forgetMarkers(now time.Time) {
	drop := 0
	for drop < len(p.expiredOrder) {
		marker := p.expiredOrder[drop]
		live, ok := p.expired[marker.counter]
		stale := !ok || !live.Equal(marker.expiredAt)
		tooOld := now.Sub(marker.expiredAt) >= expiredMarkerRetention
		overCap := len(p.expired) > maxExpiredMarkers
		if !stale && !tooOld && !overCap {
			break
		}
		if !stale {
			delete(p.expired, marker.counter)
		}
		drop++
	}
	if drop > 0 {
		p.expiredOrder = append(p.expiredOrder[:0:0], p.expiredOrder[drop:]...)
	}
	// Markers consumed by late responses leave stale slots behind a live head; sweep them out
	// before they outnumber the live markers.
	if len(p.expiredOrder) > 2*maxExpiredMarkers {
		live := p.expiredOrder[:0]
		for _, marker := range p.expiredOrder {
			if at, ok := p.expired[marker.counter]; ok && at.Equal(marker.expiredAt) {
				live = append(live, marker)
			}
		}
		p.expiredOrder = live
	}
}

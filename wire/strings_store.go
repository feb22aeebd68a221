package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

const (
	// DefaultMaxOpenStrings bounds how many strings one connection may be receiving at once.
	// Wazuh has no bound; its peers open one or two at a time.
	DefaultMaxOpenStrings = 64

	// DefaultStringTTL is how long a string may sit idle (no str_upd, not taken) before Sweep
	// drops it. Wazuh keeps an abandoned buffer until the connection closes.
	DefaultStringTTL = 2 * time.Minute

	// replyTooManyStrings answers a new_str beyond MaxOpen; it rides on new_str's "error" reply
	// command so a Wazuh sender treats it like an oversize string.
	replyTooManyStrings = "Too many strings being received at once"
)

// StringStoreLimits bounds the memory a peer can make a StringStore hold. Zero fields take the
// defaults.
type StringStoreLimits struct {
	// MaxTotal is the largest size new_str may announce (Wazuh's MAX_TOTAL_SIZE, 256 MiB) and
	// also the budget shared by all open strings: announced sizes are reserved against it,
	// because memory is allocated only as str_upd data arrives.
	MaxTotal int
	// MaxOpen is how many strings may be open at once (DefaultMaxOpenStrings).
	MaxOpen int
	// TTL is how long a string may stay idle before Sweep drops it (DefaultStringTTL).
	TTL time.Duration
	// Now is the clock stamping activity (time.Now).
	Now func() time.Time
	// Shared, when set, is the node-wide budget every open string's announced size is also
	// reserved against, so that many peers together cannot make the node hold more than it.
	Shared *Budget
}

func (l StringStoreLimits) withDefaults() StringStoreLimits {
	if l.MaxTotal <= 0 {
		l.MaxTotal = MaxTotalSize
	}
	if l.MaxOpen <= 0 {
		l.MaxOpen = DefaultMaxOpenStrings
	}
	if l.TTL <= 0 {
		l.TTL = DefaultStringTTL
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	return l
}

// incomingString is one string being received: its announced size, the bytes so far (never
// more than total), its creation order (err_str picks the oldest match, as Wazuh walks its dict
// in insertion order) and when it last saw activity.
type incomingString struct {
	total      int
	data       []byte
	seq        uint64
	lastActive time.Time
}

func (in *incomingString) complete() bool { return len(in.data) == in.total }

// appendTruncated adds chunk, dropping whatever goes past the announced total as Wazuh's
// InBuffer.receive_data does. The buffer grows geometrically but never past total.
func (in *incomingString) appendTruncated(chunk []byte) {
	room := in.total - len(in.data)
	if len(chunk) > room {
		chunk = chunk[:room]
	}
	needed := len(in.data) + len(chunk)
	if needed > cap(in.data) {
		grown := make([]byte, len(in.data), min(in.total, max(needed, 2*cap(in.data))))
		copy(grown, in.data)
		in.data = grown
	}
	in.data = append(in.data, chunk...)
}

// StringStore is the receiver side of new_str/str_upd/err_str (§3.1): it keeps the strings a
// peer is sending until their consumer takes them. Not safe for concurrent use: it lives in the
// actor that owns the connection.
type StringStore struct {
	limits   StringStoreLimits
	strings  map[string]*incomingString
	reserved int
	nextSeq  uint64
	closed   bool
}

// NewStringStore returns a store refusing strings larger than maxTotal (MaxTotalSize normally),
// with the default bounds on open strings and idle time.
func NewStringStore(maxTotal int) *StringStore {
	return NewStringStoreWithLimits(StringStoreLimits{MaxTotal: maxTotal})
}

// NewStringStoreWithLimits returns a store with explicit bounds.
func NewStringStoreWithLimits(limits StringStoreLimits) *StringStore {
	return &StringStore{
		limits:  limits.withDefaults(),
		strings: make(map[string]*incomingString),
	}
}

// Handle answers new_str, str_upd or err_str exactly as Wazuh 4.14.7 does and returns the
// response command and payload: ("ok", "<id>") for new_str, or ("error", "Requested size exceeds
// maximum allowed limit") beyond the limit; ("ok", "String updated") for str_upd; ("ok", "<id>")
// or ("ok", "None") for err_str. Malformed payloads get the "err" reply Wazuh's dispatcher builds
// from the Python exception (WazuhInternalError 1000); any other command gets Wazuh's
// unknown-command reply.
func (s *StringStore) Handle(command string, payload []byte) (respCommand string, respPayload []byte) {
	switch command {
	case CommandNewStr:
		return s.open(payload)
	case CommandStrUpd:
		return s.update(payload)
	case CommandErrStr:
		return s.discardUnstarted(payload)
	default:
		return pyUnknownCommandReply(command)
	}
}

// Take removes the string id from the store and returns it. ok is false if the id is unknown or
// the string never reached its announced size; either way the id is gone afterwards, since its
// consumer has had its one chance (Wazuh pops the buffer when the consuming task ends).
func (s *StringStore) Take(id string) ([]byte, bool) {
	in, found := s.strings[id]
	if !found {
		return nil, false
	}
	s.drop(id, in)
	if !in.complete() {
		return nil, false
	}
	return in.data, true
}

// TakeHeld is Take for a consumer that goes on working with the string after the call (parsing
// and applying it, or queueing it for that): the string keeps its share of the node-wide budget
// until release is called, so strings being worked on count with those still arriving, and no
// number of peers, connections or queued documents can make the node hold more than the budget.
// release may be called more than once; it is a no-op when ok is false.
func (s *StringStore) TakeHeld(id string) (data []byte, release func(), ok bool) {
	in, found := s.strings[id]
	if !found {
		return nil, func() {}, false
	}
	s.forget(id, in)
	if !in.complete() {
		s.releaseShared(in)
		return nil, func() {}, false
	}
	shared := s.limits.Shared
	return in.data, sync.OnceFunc(func() {
		if shared != nil {
			shared.Release(int64(in.total))
		}
	}), true
}

// Len returns how many strings are open or waiting to be taken.
func (s *StringStore) Len() int { return len(s.strings) }

// Sweep drops the strings idle for longer than the TTL at now and returns how many it dropped.
// The owner calls it from a periodic timer.
func (s *StringStore) Sweep(now time.Time) int {
	dropped := 0
	for id, in := range s.strings {
		if now.Sub(in.lastActive) > s.limits.TTL {
			s.drop(id, in)
			dropped++
		}
	}
	return dropped
}

// open handles new_str: payload = decimal size.
func (s *StringStore) open(payload []byte) (string, []byte) {
	size, ok := pyParseInt(string(payload))
	if !ok {
		return pyExceptionReply(pyIntBytesError(payload))
	}
	if size < 0 {
		// Wazuh 4.14.7 leaves a negative size undefined; refuse it the way its dispatcher
		// reports a failing handler.
		return pyExceptionReply(fmt.Sprintf("negative string size: %d", size))
	}
	if size > int64(s.limits.MaxTotal) || int64(s.reserved)+size > int64(s.limits.MaxTotal) {
		return replyTooLarge, []byte(ReplyStringTooLarge)
	}
	if len(s.strings) >= s.limits.MaxOpen || s.closed {
		return replyTooLarge, []byte(replyTooManyStrings)
	}
	if s.limits.Shared != nil && !s.limits.Shared.TryAcquire(size) {
		// The node as a whole holds as much as it may: refuse as an oversize string, which a
		// Wazuh sender reports and retries on its next cycle.
		return replyTooLarge, []byte(ReplyStringTooLarge)
	}
	id := s.unusedID()
	s.nextSeq++
	s.strings[id] = &incomingString{total: int(size), seq: s.nextSeq, lastActive: s.limits.Now()}
	s.reserved += int(size)
	return replyOK, []byte(id)
}

// update handles str_upd: payload = "<id> <bytes>".
func (s *StringStore) update(payload []byte) (string, []byte) {
	name, data, found := bytes.Cut(payload, []byte{' '})
	if !found {
		return pyExceptionReply(pyUnpackError)
	}
	in, known := s.strings[string(name)]
	if !known {
		return pyExceptionReply(pyKeyError(name))
	}
	in.appendTruncated(data)
	in.lastActive = s.limits.Now()
	return replyOK, []byte(ReplyStringUpdated)
}

// discardUnstarted handles err_str: payload = decimal size. Wazuh removes the first buffer (in
// creation order) of exactly that size whose content does not start with a non-NUL byte, i.e.
// one nothing was written to, and answers its id, or "None".
func (s *StringStore) discardUnstarted(payload []byte) (string, []byte) {
	if !utf8.Valid(payload) {
		return pyExceptionReply(pyDecodeError(payload))
	}
	size, ok := pyParseInt(string(payload))
	if !ok {
		return pyExceptionReply(pyIntStrError(string(payload)))
	}
	var (
		oldestID string
		oldest   *incomingString
	)
	for id, in := range s.strings {
		unstarted := len(in.data) == 0 || in.data[0] == 0
		if int64(in.total) == size && unstarted && (oldest == nil || in.seq < oldest.seq) {
			oldestID, oldest = id, in
		}
	}
	if oldest == nil {
		return replyOK, []byte(ReplyNoStringRemoved)
	}
	s.drop(oldestID, oldest)
	return replyOK, []byte(oldestID)
}

func (s *StringStore) drop(id string, in *incomingString) {
	s.forget(id, in)
	s.releaseShared(in)
}

// forget removes a string from this store and from the connection's own reservation.
func (s *StringStore) forget(id string, in *incomingString) {
	delete(s.strings, id)
	s.reserved -= in.total
}

// releaseShared gives a string's reservation back to the node-wide budget.
func (s *StringStore) releaseShared(in *incomingString) {
	if s.limits.Shared != nil {
		s.limits.Shared.Release(int64(in.total))
	}
}

// Close drops every string, giving their reservations back to the node-wide budget. The owner
// calls it when the connection ends.
func (s *StringStore) Close() {
	s.closed = true
	for id, in := range s.strings {
		s.drop(id, in)
	}
}

// unusedID picks a random uint32, as Wazuh does, printed in decimal, not already in use.
func (s *StringStore) unusedID() string {
	var raw [4]byte
	for {
		// crypto/rand.Read never fails on supported platforms (it panics instead).
		_, _ = rand.Read(raw[:])
		id := strconv.FormatUint(uint64(binary.BigEndian.Uint32(raw[:])), 10)
		if _, taken := s.strings[id]; !taken {
			return id
		}
	}
}

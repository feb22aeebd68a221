package messages

import (
	"bytes"
	"fmt"
)

// A worker's agent-info document is as large as a string may be (256 MiB, a million agents).
// Decoded whole into Go values it took the master over six times its size; read here it is
// checked and located in one pass that keeps nothing, and its items are then decoded a batch at
// a time for the caller to apply, so what the master holds beyond the document's bytes is one
// batch.

const (
	// MaxAgentInfoItemSize bounds one item of the document, as written. An honest item is what
	// one agent's keepalive told (remoted takes messages of at most 64 KiB; escaped as JSON,
	// under 400 KiB); a larger one is skipped, never decoded.
	MaxAgentInfoItemSize = 1 << 20

	// An item batch ends at agentInfoBatchItems items or once its items take
	// agentInfoBatchBytes of the document, whichever comes first: a few MiB decoded, and enough
	// rows for the store to write several hundred per statement.
	agentInfoBatchItems = 4096
	agentInfoBatchBytes = 4 << 20
)

// AgentInfoVisitor receives a document's items a batch at a time, in wazuh-db's order: the
// syncreq items, then the keepalives, then the statuses. A batch's slice is reused for the next
// batch: nothing of it may be kept past the call. An error ends the walk and is returned as is.
type AgentInfoVisitor interface {
	Syncreq([]AgentInfoItem) error
	Keepalive([]AgentKeepaliveItem) error
	Status([]AgentStatusItem) error
}

// AgentInfoDocument is a worker's agent-info document checked and located, not decoded.
type AgentInfoDocument struct {
	data []byte
	// lists holds, for syncreq, syncreq_keepalive and syncreq_status in that order, where the
	// list starts in data ('['), or -1 when the chunks object does not have it (or has null).
	lists [3]int
}

// ScanAgentInfoSync checks a worker's agent-info document as ParseAgentInfoSync does, except
// for the items of its lists, which Walk decodes, and locates those lists. It keeps b.
func ScanAgentInfoSync(b []byte) (*AgentInfoDocument, error) {
	d := &AgentInfoDocument{data: b, lists: [3]int{-1, -1, -1}}
	at, err := topLevelMembers(b, "set_data_command", "chunks")
	if err != nil {
		return nil, fmt.Errorf("parse agent-info sync: %w", err)
	}
	if err := d.locate(at[0], at[1]); err != nil {
		return nil, fmt.Errorf("parse agent-info sync: %w: %w", ErrAgentInfoSync, err)
	}
	return d, nil
}

// ScanAgentInfoChunks checks and locates a chunks object on its own, the body of wazuh-db's
// GET /v1/agents/sync and of POST /v1/agents/sync, as ScanAgentInfoSync does the document
// around it. It keeps b.
func ScanAgentInfoChunks(b []byte) (*AgentInfoDocument, error) {
	d := &AgentInfoDocument{data: b, lists: [3]int{-1, -1, -1}}
	if _, err := topLevelMembers(b); err != nil {
		return nil, fmt.Errorf("parse agent-info chunks: %w", err)
	}
	s := scanner{data: b}
	s.skipSpace() // topLevelMembers found the object there
	if err := d.locate(-1, s.pos); err != nil {
		return nil, fmt.Errorf("parse agent-info chunks: %w: %w", ErrAgentInfoSync, err)
	}
	return d, nil
}

// topLevelMembers checks that b is exactly one JSON object and returns where the values of its
// last member named keys[i] start (-1 when absent): with duplicate keys the last one counts, as
// in Python's json.loads. Nothing of b is copied.
func topLevelMembers(b []byte, keys ...string) ([]int, error) {
	at := make([]int, len(keys))
	for i := range at {
		at[i] = -1
	}
	s := scanner{data: b}
	s.skipSpace()
	isObject := s.pos < len(s.data) && s.data[s.pos] == '{'
	var err error
	if !isObject {
		err = s.skipValue(0)
	} else {
		err = s.members(1, func(key string, pos int) {
			for i, k := range keys {
				if key == k {
					at[i] = pos
				}
			}
		})
	}
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return nil, ErrTrailingData
	}
	if !isObject {
		return nil, fmt.Errorf("%w: expected a JSON object", ErrMalformedPayload)
	}
	return at, nil
}

// members walks the object at s.pos (at depth, as value counts it) checking every value, and
// calls member with each key short enough to be a name the caller knows (longer ones as "")
// and where its value starts.
func (s *scanner) members(depth int, member func(key string, at int)) error {
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.fail("an object key")
		}
		key, err := s.shortKey(longestMemberName)
		if err != nil {
			return err
		}
		if err := s.colon(); err != nil {
			return err
		}
		member(key, s.pos)
		if err := s.skipValue(depth); err != nil {
			return err
		}
		if done, err := s.nextMember('}'); done || err != nil {
			return err
		}
	}
}

// longestMemberName is the length of the longest member name a document's reader looks for
// (agent-info's syncreq_keepalive).
const longestMemberName = len(agentInfoKeepaliveKey)

// shortKey reads a key and returns it decoded when it has at most maxLen bytes decoded, ""
// otherwise: a hostile key of megabytes is checked but never copied.
func (s *scanner) shortKey(maxLen int) (string, error) {
	start := s.pos
	if err := s.skipString(); err != nil {
		return "", err
	}
	raw := s.data[start+1 : s.pos-1]
	// An escape writes at least one byte in six, so a longer raw key decodes too long.
	if len(raw) > 6*maxLen {
		return "", nil
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		if len(raw) > maxLen {
			return "", nil
		}
		return string(raw), nil
	}
	sub := scanner{data: s.data[:s.pos], pos: start}
	key, err := sub.string()
	if err != nil || len(key) > maxLen {
		return "", err
	}
	return key, nil
}

// locate checks set_data_command and the chunks object, and finds the lists.
func (d *AgentInfoDocument) locate(command, chunks int) error {
	if command >= 0 {
		if err := d.checkCommand(command); err != nil {
			return err
		}
	}
	if chunks < 0 || d.data[chunks] == 'n' {
		return nil // no chunks (or null): nothing to do
	}
	if d.data[chunks] != '{' {
		return fmt.Errorf("%w: %q must be an object", ErrMalformedPayload, "chunks")
	}
	// The document was checked whole: walking the chunks object again cannot fail.
	s := scanner{data: d.data, pos: chunks}
	_ = s.members(2, func(key string, at int) {
		for i, name := range [3]string{agentInfoSyncreqKey, agentInfoKeepaliveKey, agentInfoStatusKey} {
			if key == name {
				d.lists[i] = at
			}
		}
	})
	for i, name := range [3]string{agentInfoSyncreqKey, agentInfoKeepaliveKey, agentInfoStatusKey} {
		switch at := d.lists[i]; {
		case at < 0:
		case d.data[at] == 'n':
			d.lists[i] = -1 // null: as if absent
		case d.data[at] != '[':
			return fmt.Errorf("%w: %q must be a list", ErrMalformedPayload, name)
		}
	}
	return nil
}

// checkCommand checks the set_data_command value starting at at.
func (d *AgentInfoDocument) checkCommand(at int) error {
	if d.data[at] != '"' {
		return fmt.Errorf("%w: %q must be a string", ErrMalformedPayload, "set_data_command")
	}
	s := scanner{data: d.data, pos: at}
	if command, _ := s.shortKey(len(SyncAgentInfoSetCommand)); command != SyncAgentInfoSetCommand {
		end := s.pos
		return fmt.Errorf("set_data_command %s", ClipForLog(string(d.data[at:end])))
	}
	return nil
}

// Count is the number of lists the chunks object has, what the master reports as
// "updated_chunks" (see AgentInfoChunks.Count).
func (d *AgentInfoDocument) Count() int {
	n := 0
	for _, at := range d.lists {
		if at >= 0 {
			n++
		}
	}
	return n
}

// Walk decodes the document's items a batch at a time and hands each batch to v, in wazuh-db's
// order. Items larger than MaxAgentInfoItemSize are skipped, not decoded; Walk returns how many.
// An item that does not decode ends the walk with an error wrapping ErrAgentInfoSync; an error
// of v ends it with that error. A walk can be run again.
func (d *AgentInfoDocument) Walk(v AgentInfoVisitor) (oversized int, err error) {
	for i, name := range [3]string{agentInfoSyncreqKey, agentInfoKeepaliveKey, agentInfoStatusKey} {
		if d.lists[i] < 0 {
			continue
		}
		var n int
		switch i {
		case 0:
			n, err = walkList(d, d.lists[i], name, parseAgentInfoItem, v.Syncreq)
		case 1:
			n, err = walkList(d, d.lists[i], name, parseKeepaliveItem, v.Keepalive)
		case 2:
			n, err = walkList(d, d.lists[i], name, parseStatusItem, v.Status)
		}
		oversized += n
		if err != nil {
			return oversized, err
		}
	}
	return oversized, nil
}

// walkList decodes the list starting at at, one item at a time, and hands them to apply in
// batches.
func walkList[T any](d *AgentInfoDocument, at int, name string, parse func(any) (T, error), apply func([]T) error) (oversized int, err error) {
	s := scanner{data: d.data, pos: at + 1}
	items := scanner{} // decodes each item; the keys it interns serve the whole list
	var batch []T
	batchBytes := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := apply(batch)
		clear(batch) // let the batch's strings go before the next one is decoded
		batch, batchBytes = batch[:0], 0
		return err
	}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		return 0, nil
	}
	for index := 0; ; index++ {
		start := s.pos
		// Lists sit at depth 3 (document, chunks, list), as value counts it.
		if err := s.skipValue(3); err != nil {
			return oversized, fmt.Errorf("parse agent-info sync: %w: %w", ErrAgentInfoSync, err)
		}
		if size := s.pos - start; size > MaxAgentInfoItemSize {
			oversized++
		} else {
			item, err := parseItemAt(&items, d.data[:s.pos], start, parse)
			if err != nil {
				return oversized, fmt.Errorf("parse agent-info sync: %w: %s[%d]: %w", ErrAgentInfoSync, name, index, err)
			}
			batch = append(batch, item)
			batchBytes += size
			if len(batch) >= agentInfoBatchItems || batchBytes >= agentInfoBatchBytes {
				if err := flush(); err != nil {
					return oversized, err
				}
			}
		}
		done, err := s.nextMember(']')
		if err != nil {
			return oversized, fmt.Errorf("parse agent-info sync: %w: %w", ErrAgentInfoSync, err)
		}
		if done {
			break
		}
	}
	return oversized, flush()
}

// parseItemAt decodes with s the one value that starts at start and ends data. s keeps the
// keys it interned from one item to the next: a scanner of its own for each item made a map
// of them for each, most of what a master allocated reading its workers' keepalives.
func parseItemAt[T any](s *scanner, data []byte, start int, parse func(any) (T, error)) (T, error) {
	s.data, s.pos = data, start
	v, err := s.value(3)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(v)
}

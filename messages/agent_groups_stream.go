package messages

import (
	"errors"
	"fmt"
)

// The master's agent-groups document is a list of wazuh-db pages, each a JSON text inside a JSON
// string; it may be as large as a string may be. Decoded whole it was copied once more, and a
// page of megabytes became ten times that in Go values: the worker now checks it in one pass
// that copies nothing and decodes its pages one at a time, refusing any page far larger than
// wazuh-db writes.

// MaxAgentGroupsChunkSize bounds one page of the document, as written: wazuh-db ends a page
// before WazuhDBMaxResponseSize, and one agent's entry (a name and at most 128 group names) is
// smaller still. A larger page is refused undecoded.
const MaxAgentGroupsChunkSize = 16 * WazuhDBMaxResponseSize

// ErrAgentGroupsChunkTooLarge refuses a page larger than MaxAgentGroupsChunkSize.
var ErrAgentGroupsChunkTooLarge = errors.New("agent-groups chunk larger than wazuh-db writes")

// AgentGroupsDocument is the master's agent-groups document, checked and located: its pages are
// decoded one at a time by EachChunk.
type AgentGroupsDocument struct {
	Mode, SyncStatus string

	data   []byte
	chunks int // where the chunks list starts ('[')
	count  int
}

// ScanAgentGroupsSync checks the master's agent-groups document as ParseAgentGroupsSync
// describes, without copying its pages, and locates them. It keeps b.
func ScanAgentGroupsSync(b []byte) (*AgentGroupsDocument, error) {
	at, err := topLevelMembers(b, "set_data_command", "payload", "chunks")
	if err != nil {
		return nil, fmt.Errorf("parse agent-groups sync: %w", err)
	}
	d := &AgentGroupsDocument{data: b}
	if err := d.check(at[0], at[1], at[2]); err != nil {
		return nil, fmt.Errorf("parse agent-groups sync: %w: %w", ErrAgentGroupsSync, err)
	}
	return d, nil
}

// check reads the members in the order the whole-document reader did.
func (d *AgentGroupsDocument) check(command, payload, chunks int) error {
	if command < 0 {
		return fmt.Errorf("%w: missing %q", ErrMalformedPayload, "set_data_command")
	}
	if d.data[command] != '"' {
		return fmt.Errorf("%w: %q must be a string", ErrMalformedPayload, "set_data_command")
	}
	if err := d.scanPayload(payload); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	s := scanner{data: d.data, pos: command}
	if name, _ := s.shortKey(len(SetAgentGroupsCommand)); name != SetAgentGroupsCommand {
		return fmt.Errorf("set_data_command %s", ClipForLog(string(d.data[command:s.pos])))
	}
	return d.scanChunks(chunks)
}

// scanPayload reads mode and sync_status from the payload object starting at at.
func (d *AgentGroupsDocument) scanPayload(at int) error {
	if at < 0 {
		return fmt.Errorf("%w: missing %q", ErrMalformedPayload, "payload")
	}
	if d.data[at] != '{' {
		return fmt.Errorf("%w: %q must be an object", ErrMalformedPayload, "payload")
	}
	mode, status := -1, -1
	s := scanner{data: d.data, pos: at}
	_ = s.members(2, func(key string, at int) { // checked with the whole document
		switch key {
		case "mode":
			mode = at
		case "sync_status":
			status = at
		}
	})
	var err error
	if d.Mode, err = d.stringAt(mode, "mode"); err != nil {
		return err
	}
	d.SyncStatus, err = d.stringAt(status, "sync_status")
	return err
}

// stringAt decodes the string member value starting at at.
func (d *AgentGroupsDocument) stringAt(at int, key string) (string, error) {
	if at < 0 {
		return "", fmt.Errorf("%w: missing %q", ErrMalformedPayload, key)
	}
	if d.data[at] != '"' {
		return "", fmt.Errorf("%w: %q must be a string", ErrMalformedPayload, key)
	}
	s := scanner{data: d.data, pos: at}
	return s.string()
}

// scanChunks checks that the chunks member starting at at is a list of strings, and counts them.
func (d *AgentGroupsDocument) scanChunks(at int) error {
	if at < 0 {
		return fmt.Errorf("%w: missing %q", ErrMalformedPayload, "chunks")
	}
	if d.data[at] != '[' {
		return fmt.Errorf("%w: %q must be a list", ErrMalformedPayload, "chunks")
	}
	d.chunks = at
	return d.eachRaw(func(start, _ int) error {
		if d.data[start] != '"' {
			return fmt.Errorf("%w: %q must hold only strings", ErrMalformedPayload, "chunks")
		}
		d.count++
		return nil
	})
}

// eachRaw calls fn with where each element of the chunks list starts and ends.
func (d *AgentGroupsDocument) eachRaw(fn func(start, end int) error) error {
	s := scanner{data: d.data, pos: d.chunks + 1}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		return nil
	}
	for {
		start := s.pos
		if err := s.skipValue(2); err != nil {
			return err
		}
		if err := fn(start, s.pos); err != nil {
			return err
		}
		if done, err := s.nextMember(']'); done || err != nil {
			return err
		}
	}
}

// Len is the number of pages.
func (d *AgentGroupsDocument) Len() int { return d.count }

// EachChunk decodes the pages one at a time, in order, and calls fn with each: its text, or
// ErrAgentGroupsChunkTooLarge for a page larger than MaxAgentGroupsChunkSize (not decoded). An
// error from fn ends the walk and is returned.
func (d *AgentGroupsDocument) EachChunk(fn func(index int, chunk string, err error) error) error {
	index := 0
	return d.eachRaw(func(start, end int) error {
		i := index
		index++
		if end-start > MaxAgentGroupsChunkSize {
			return fn(i, "", fmt.Errorf("%w: %d bytes", ErrAgentGroupsChunkTooLarge, end-start))
		}
		s := scanner{data: d.data[:end], pos: start}
		chunk, err := s.string() // checked with the whole document
		if err != nil {
			return err
		}
		return fn(i, chunk, nil)
	})
}

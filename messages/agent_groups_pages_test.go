package messages

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func manyAgentGroups(n int) []AgentGroupsEntry {
	entries := make([]AgentGroupsEntry, n)
	for i := range entries {
		entries[i] = AgentGroupsEntry{ID: i + 1, Name: fmt.Sprintf("agent-%05d", i+1), Groups: []string{"default", fmt.Sprintf("group-%d", i%7)}}
	}
	return entries
}

// reassemble parses every page back, checks each is within limit, and returns the entries in
// page order and the hash of the last page.
func reassemble(t *testing.T, pages []string, limit int) ([]AgentGroupsEntry, string, bool) {
	t.Helper()
	var all []AgentGroupsEntry
	for i, p := range pages {
		c, err := ParseAgentGroupsChunk(p)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		if len(p) > limit && len(c.Data) > 1 {
			t.Errorf("page %d is %d bytes, limit %d", i, len(p), limit)
		}
		if c.HasHash && i != len(pages)-1 {
			t.Errorf("page %d of %d carries the hash", i, len(pages))
		}
		if EncodeAgentGroupsChunk(c) != p {
			t.Errorf("page %d is not the canonical wazuh-db text", i)
		}
		all = append(all, c.Data...)
	}
	h, ok := LastChunkHash(pages)
	return all, h, ok
}

func TestChunkAgentGroupsPagesLikeWazuhDB(t *testing.T) {
	entries := manyAgentGroups(5000)
	hash := strings.Repeat("0123456789", 4)
	pages := ChunkAgentGroups(entries, GroupsHash{Asked: true, Value: hash}, WazuhDBMaxResponseSize)
	if len(pages) < 2 {
		t.Fatalf("%d pages for 5000 agents", len(pages))
	}
	got, h, ok := reassemble(t, pages, WazuhDBMaxResponseSize)
	if !reflect.DeepEqual(got, entries) {
		t.Error("entries changed or reordered across pages")
	}
	if !ok || h != hash {
		t.Errorf("hash = %q, %v", h, ok)
	}
	// Pages are filled: adding the next page's first entry would overflow.
	for i := 0; i < len(pages)-1; i++ {
		next, _ := ParseAgentGroupsChunk(pages[i+1])
		extra := len(appendCJSONEntry(nil, next.Data[0])) + 1
		if len(pages[i])+extra <= WazuhDBMaxResponseSize {
			t.Errorf("page %d (%d bytes) was cut early", i, len(pages[i]))
		}
	}
}

func TestChunkAgentGroupsEdges(t *testing.T) {
	if pages := ChunkAgentGroups(nil, GroupsHash{}, 100); pages != nil {
		t.Errorf("nothing to send gave %q", pages)
	}
	if pages := ChunkAgentGroups(nil, GroupsHash{Asked: true, Value: "h"}, 100); !reflect.DeepEqual(pages, []string{`[{"data":[],"hash":"h"}]`}) {
		t.Errorf("hash only gave %q", pages)
	}
	// Asked, but no agent has a group hash: wazuh-db's null, a page the master still broadcasts.
	if pages := ChunkAgentGroups(nil, AskedGroupsHash("ignored", false), 100); !reflect.DeepEqual(pages, []string{`[{"data":[],"hash":null}]`}) {
		t.Errorf("null hash only gave %q", pages)
	}
	one := []AgentGroupsEntry{{ID: 1, Groups: []string{"default"}}}
	if pages := ChunkAgentGroups(one, AskedGroupsHash("", false), 100); !reflect.DeepEqual(pages, []string{`[{"data":[{"id":1,"groups":["default"]}],"hash":null}]`}) {
		t.Errorf("one entry and a null hash gave %q", pages)
	}
	if pages := ChunkAgentGroups(one, GroupsHash{}, 100); !reflect.DeepEqual(pages, []string{`[{"data":[{"id":1,"groups":["default"]}]}]`}) {
		t.Errorf("one entry gave %q", pages)
	}
	// The hash does not fit on the last page: the last entry moves to a page of its own.
	two := []AgentGroupsEntry{{ID: 1}, {ID: 2}}
	full := `[{"data":[{"id":1},{"id":2}]}]`
	pages := ChunkAgentGroups(two, GroupsHash{Asked: true, Value: "hh"}, len(full))
	want := []string{`[{"data":[{"id":1}]}]`, `[{"data":[{"id":2}],"hash":"hh"}]`}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("hash overflow gave %q, want %q", pages, want)
	}
	// A lone entry larger than the limit keeps a page of its own; the hash follows alone.
	pages = ChunkAgentGroups([]AgentGroupsEntry{{ID: 1, Name: strings.Repeat("x", 50)}}, GroupsHash{Asked: true, Value: "hh"}, 20)
	want = []string{`[{"data":[{"id":1,"name":"` + strings.Repeat("x", 50) + `"}]}]`, `[{"data":[],"hash":"hh"}]`}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("oversized entry gave %q", pages)
	}
	for limit := 10; limit < 120; limit += 7 {
		entries := manyAgentGroups(9)
		got, h, ok := reassemble(t, ChunkAgentGroups(entries, GroupsHash{Asked: true, Value: "h"}, limit), limit)
		if !reflect.DeepEqual(got, entries) || !ok || h != "h" {
			t.Errorf("limit %d: entries or hash lost", limit)
		}
	}
}

package messages

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// The streaming reader accepts and refuses what the whole-tree reader does, and reads the same
// pages (none of these is larger than MaxAgentGroupsChunkSize).
func TestAgentGroupsStreamMatchesTheTreeReader(t *testing.T) {
	for _, doc := range agentGroupsSeeds() {
		compareAgentGroupsReaders(t, []byte(doc))
	}
}

func agentGroupsSeeds() []string {
	return []string{
		vectorAgentGroupsSync,
		`{"set_data_command":"global set-agent-groups","payload":{"mode":"override","sync_status":"synced"},"chunks":[]}`,
		`{"set_data_command": "global set-agent-groups", "payload": {}, "chunks": ["x"]}`,
		`{"set_data_command": "global set-agent-groups", "payload": {"mode": "m", "sync_status": "s", "mode": 1}, "chunks": []}`,
		`{"set_data_command": "global set-agent-groups", "payload": {"mode": "m", "sync_status": "s"}, "chunks": ["a", 1]}`,
		`{"set_data_command": "global set-agent-group\u0073", "payload": {"mode": "\u00e9", "sync_status": "s"}, "chunks": ["\"x\""]}`,
		`{"set_data_command": "global set-agent-groups", "payload": {"mode": "m", "sync_status": "s"}, "chunks": null}`,
		`{"set_data_command": "other", "payload": {"mode": "m", "sync_status": "s"}, "chunks": []}`,
		`{"set_data_command": 1, "payload": 2}`, `{"payload": {}}`, `[]`, `{} x`, `{"chunks": [`,
		`{"set_data_command": "global set-agent-groups", "payload": {"mode": "m", "sync_status": "s"}, "chunks": [], "chunks": ["y"]}`,
	}
}

func compareAgentGroupsReaders(t *testing.T, doc []byte) {
	t.Helper()
	want, treeErr := parseAgentGroupsTree(doc)
	got, streamErr := ParseAgentGroupsSync(doc)
	if (treeErr == nil) != (streamErr == nil) {
		t.Fatalf("%.200q: tree reader %v, streaming reader %v", doc, treeErr, streamErr)
	}
	if treeErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%.200q: streaming reader read\n%+v\ntree reader\n%+v", doc, got, want)
	}
}

func FuzzAgentGroupsDocument(f *testing.F) {
	for _, doc := range agentGroupsSeeds() {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > MaxAgentGroupsChunkSize {
			return // the streaming reader refuses such pages; the tree reader reads them
		}
		compareAgentGroupsReaders(t, doc)
	})
}

// A page larger than MaxAgentGroupsChunkSize is handed over as an error, undecoded, and the
// others still are; scanning the document copies none of it.
func TestAgentGroupsDocumentRefusesOversizedPagesAndCopiesNothing(t *testing.T) {
	huge := `[{\"data\":[` + strings.Repeat(`{\"id\":1,\"groups\":[\"default\"]},`, MaxAgentGroupsChunkSize/30) + `{\"id\":2}]}]`
	doc := []byte(`{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, ` +
		`"chunks": ["[{\"data\":[{\"id\":3}]}]", "` + huge + `", "[{\"data\":[],\"hash\":null}]"]}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := ScanAgentGroupsSync(doc)
	runtime.ReadMemStats(&after)
	if err != nil || d.Len() != 3 || d.Mode != "override" || d.SyncStatus != "synced" {
		t.Fatalf("scan = %+v, %v", d, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<10 {
		t.Fatalf("scanning a %d MiB document allocated %d KiB", len(doc)>>20, allocated>>10)
	}
	var pages []string
	var errs []error
	err = d.EachChunk(func(i int, chunk string, err error) error {
		pages = append(pages, chunk)
		errs = append(errs, err)
		return nil
	})
	if err != nil || len(pages) != 3 || pages[0] != `[{"data":[{"id":3}]}]` || pages[2] != `[{"data":[],"hash":null}]` {
		t.Fatalf("pages %.80q, %v", pages, err)
	}
	if !errors.Is(errs[1], ErrAgentGroupsChunkTooLarge) || pages[1] != "" || errs[0] != nil || errs[2] != nil {
		t.Fatalf("page errors %v", errs)
	}
	stop := errors.New("stop")
	if err := d.EachChunk(func(int, string, error) error { return stop }); err != stop {
		t.Fatalf("EachChunk = %v, want fn's error", err)
	}
}

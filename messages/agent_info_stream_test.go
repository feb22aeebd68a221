package messages

import (
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// batchRecorder keeps what a walk hands over, batch by batch.
type batchRecorder struct {
	order []string // list name of every batch, in the order received
	sizes []int
	all   AgentInfoChunks
	fail  error // returned from the first call
}

func (r *batchRecorder) record(name string, n int) error {
	r.order = append(r.order, name)
	r.sizes = append(r.sizes, n)
	return r.fail
}

func (r *batchRecorder) Syncreq(b []AgentInfoItem) error {
	r.all.Syncreq = append(r.all.Syncreq, b...)
	return r.record("syncreq", len(b))
}

func (r *batchRecorder) Keepalive(b []AgentKeepaliveItem) error {
	r.all.Keepalive = append(r.all.Keepalive, b...)
	return r.record("keepalive", len(b))
}

func (r *batchRecorder) Status(b []AgentStatusItem) error {
	r.all.Status = append(r.all.Status, b...)
	return r.record("status", len(b))
}

// keepaliveIDs writes n bare keepalive ids, from first on.
func keepaliveIDs(n, first int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}

// The lists are handed over in wazuh-db's order whatever the document's, in batches of at most
// agentInfoBatchItems items, every item once and in its list's order.
func TestAgentInfoWalkBatchesInWazuhDBOrder(t *testing.T) {
	const keepalives = 2*agentInfoBatchItems + 5
	doc := `{"chunks": {"syncreq_status": [{"id": 7, "connection_status": "disconnected"}], ` +
		`"syncreq_keepalive": [` + keepaliveIDs(keepalives, 1) + `], "syncreq": [{"id": 9, "name": "a"}]}, ` +
		`"set_data_command": "global sync-agent-info-set"}`
	d, err := ScanAgentInfoSync([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if d.Count() != 3 {
		t.Fatalf("Count = %d, want 3", d.Count())
	}
	var r batchRecorder
	if oversized, err := d.Walk(&r); err != nil || oversized != 0 {
		t.Fatalf("Walk = %d, %v", oversized, err)
	}
	wantOrder := []string{"syncreq", "keepalive", "keepalive", "keepalive", "status"}
	wantSizes := []int{1, agentInfoBatchItems, agentInfoBatchItems, 5, 1}
	if !reflect.DeepEqual(r.order, wantOrder) || !reflect.DeepEqual(r.sizes, wantSizes) {
		t.Fatalf("batches %v of %v, want %v of %v", r.order, r.sizes, wantOrder, wantSizes)
	}
	for i, k := range r.all.Keepalive {
		if k.ID != i+1 {
			t.Fatalf("keepalive %d has id %d", i, k.ID)
		}
	}
	// A walk can be run again (the store retries nothing, but a caller may).
	var again batchRecorder
	if _, err := d.Walk(&again); err != nil || !reflect.DeepEqual(again.all, r.all) {
		t.Fatalf("second walk differs: %v", err)
	}
}

// A batch also ends at agentInfoBatchBytes of the document, however few its items.
func TestAgentInfoWalkBoundsABatchByItsBytes(t *testing.T) {
	long := strings.Repeat("x", 300<<10)
	var b strings.Builder
	b.WriteString(`{"chunks": {"syncreq": [`)
	const items = 40 // 12 MiB in all
	for i := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`{"id": ` + strconv.Itoa(i+1) + `, "os_uname": "` + long + `"}`)
	}
	b.WriteString(`]}}`)
	d, err := ScanAgentInfoSync([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	var r batchRecorder
	if _, err := d.Walk(&r); err != nil {
		t.Fatal(err)
	}
	total := 0
	perBatch := agentInfoBatchBytes/len(long) + 1
	for _, n := range r.sizes {
		if n > perBatch {
			t.Fatalf("a batch of %d items of %d KiB each (batches %v)", n, len(long)>>10, r.sizes)
		}
		total += n
	}
	if total != items || len(r.sizes) < 3 {
		t.Fatalf("batches %v, want %d items in at least 3", r.sizes, items)
	}
}

// An item larger than MaxAgentInfoItemSize is skipped without being decoded, and counted; the
// others are applied.
func TestAgentInfoWalkSkipsOversizedItems(t *testing.T) {
	huge := strings.Repeat("y", MaxAgentInfoItemSize)
	doc := `{"chunks": {"syncreq": [{"id": 1, "name": "a"}, {"id": 2, "os_uname": "` + huge + `"}, {"id": 3}], ` +
		`"syncreq_keepalive": [{"id": 4, "version": "` + huge + `"}, 5]}}`
	d, err := ScanAgentInfoSync([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var r batchRecorder
	oversized, err := d.Walk(&r)
	if err != nil || oversized != 2 {
		t.Fatalf("Walk = %d, %v; want 2 oversized", oversized, err)
	}
	want := AgentInfoChunks{Syncreq: []AgentInfoItem{{ID: 1, Name: "a"}, {ID: 3}}, Keepalive: []AgentKeepaliveItem{{ID: 5}}}
	if !reflect.DeepEqual(r.all, want) {
		t.Fatalf("walked %+v, want %+v", r.all, want)
	}
}

// The visitor's error ends the walk and comes back as is; an item that does not decode ends it
// with ErrAgentInfoSync.
func TestAgentInfoWalkErrors(t *testing.T) {
	stop := errors.New("store failed")
	d, err := ScanAgentInfoSync([]byte(`{"chunks": {"syncreq": [{"id": 1}], "syncreq_status": [{"id": 2}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := batchRecorder{fail: stop}
	if _, err := d.Walk(&r); err != stop || len(r.order) != 1 {
		t.Fatalf("Walk = %v after %v, want the visitor's error after one batch", err, r.order)
	}
	d, err = ScanAgentInfoSync([]byte(`{"chunks": {"syncreq": [{"id": 1}, {"id": "2"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Walk(&batchRecorder{}); !errors.Is(err, ErrAgentInfoSync) || !strings.Contains(err.Error(), "syncreq[1]") {
		t.Fatalf("Walk of a bad item = %v", err)
	}
}

// Scanning a document copies nothing of it, not even a hostile key of megabytes.
func TestScanAgentInfoSyncAllocatesNothingOfTheDocument(t *testing.T) {
	key := strings.Repeat("k", 4<<20)
	doc := []byte(`{"` + key + `": 1, "chunks": {"` + key + `": [1], "syncreq_keepalive": [` +
		keepaliveIDs(200_000, 1) + `]}, "set_data_command": "global sync-agent-info-set"}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := ScanAgentInfoSync(doc)
	runtime.ReadMemStats(&after)
	if err != nil || d.Count() != 1 {
		t.Fatalf("scan = %v (count %d)", err, d.Count())
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<10 {
		t.Fatalf("scanning a %d MiB document allocated %d KiB", len(doc)>>20, allocated>>10)
	}
}

// The streaming reader accepts and refuses what the whole-tree reader does, and reads the same.
func TestAgentInfoStreamMatchesTheTreeReader(t *testing.T) {
	for _, doc := range agentInfoSeeds() {
		compareAgentInfoReaders(t, []byte(doc))
	}
}

func agentInfoSeeds() []string {
	return []string{
		string(EncodeAgentInfoSync(vectorAgentInfo)),
		`{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {}}`,
		`{"chunks": {"syncreq_keepalive": [1, {"id": 2, "version": "v"}], "syncreq_status": [{"id": 3, "status_code": 4}]}}`,
		`{"chunks": {"syncreq": [{"id": 1, "name": " ", "labels": [{"key": "\u00e9", "value": null}]}]}}`,
		`{"chunks": {"syncreq": [{"id": 1}]}, "chunks": null}`,
		`{"chunks": {"syncreq": [{"id": "x"}]}, "chunks": {"syncreq": []}}`,
		`{"chunks": {"syncreq": [{"id": 1}], "syncreq": null, "syncreq_status": 4}}`,
		`{"chunks": {"sync\u0072eq": [{"id": 1, "id": null}]}}`,
		`{"chunks": {"syncreq": [{"id": null, "id": 3, "name": 1, "name": "n"}]}}`,
		`{"set_data_command": null}`,
		`{"set_data_command": "global sync-agent-info-set", "set_data_command": "x"}`,
		`{"set_data_command": "global sync-agent-info-s\u0065t"}`,
		`{"chunks": []}`, `[1]`, `[1`, `{} {}`, `"x"`, ` {"chunks" : { "syncreq" : [ ] } } `,
		`{"chunks": {"syncreq": [1, ]}}`, `{"chunks": {"syncreq_keepalive": [-0, 1e2]}}`,
		`{"a": "\ud800\u0041", "chunks": {"syncreq_status": [{"id": 1, "version": "\x"}]}}`,
		`{"chunks": {"syncreq": [` + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + `]}}`,
	}
}

func compareAgentInfoReaders(t *testing.T, doc []byte) {
	t.Helper()
	want, treeErr := parseAgentInfoTree(doc)
	got, streamErr := ParseAgentInfoSync(doc)
	if (treeErr == nil) != (streamErr == nil) {
		t.Fatalf("%.200q: tree reader %v, streaming reader %v", doc, treeErr, streamErr)
	}
	if treeErr != nil {
		return
	}
	if !reflect.DeepEqual(got, want) || got.Count() != want.Count() {
		t.Fatalf("%.200q: streaming reader read\n%+v\ntree reader\n%+v", doc, got, want)
	}
}

func FuzzAgentInfoDocument(f *testing.F) {
	for _, doc := range agentInfoSeeds() {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > MaxAgentInfoItemSize {
			return // the streaming reader skips such items; the tree reader reads them
		}
		compareAgentInfoReaders(t, doc)
		// A scanned document walks twice to the same items, and its count is its lists'.
		if d, err := ScanAgentInfoSync(doc); err == nil {
			var a, b batchRecorder
			_, errA := d.Walk(&a)
			_, errB := d.Walk(&b)
			if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a.all, b.all) {
				t.Fatalf("%q: two walks differ", doc)
			}
		}
	})
}

package authd

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
)

var errMasterDown = errors.New("master unreachable")

// clusterForwarder plays the cluster between a worker and the master: it unwraps the sendsync
// payload and hands "message" to the master's JSON API, as the master's clusterd does.
type clusterForwarder struct {
	t      *testing.T
	master *Service
	mu     sync.Mutex
	sent   []string
	// answer, when set, replaces the master's answer.
	answer func() ([]byte, error)
}

func (f *clusterForwarder) Forward(ctx context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	f.sent = append(f.sent, string(payload))
	f.mu.Unlock()
	if f.answer != nil {
		return f.answer()
	}
	var envelope struct {
		DaemonName string          `json:"daemon_name"`
		Message    json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(payload, &envelope); err != nil {
		f.t.Errorf("worker sent invalid JSON %q: %v", payload, err)
		return nil, err
	}
	if envelope.DaemonName != "authd" {
		f.t.Errorf("daemon_name = %q, want authd", envelope.DaemonName)
	}
	return f.master.HandleJSON(ctx, envelope.Message), nil
}

func (f *clusterForwarder) payloads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}

func newWorkerPair(t *testing.T) (*Service, *clusterForwarder, *MemStore) {
	t.Helper()
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	st := vectorStore(t, v)
	master := NewMaster(cfg, st, nil)
	fw := &clusterForwarder{t: t, master: master}
	workerCfg := cfg
	workerCfg.SharedDir = "" // a worker never checks group folders
	return NewWorker(workerCfg, fw), fw, st
}

func TestWorkerForwardsToMaster(t *testing.T) {
	worker, fw, st := newWorkerPair(t)
	ctx := context.Background()
	hash := strings.Repeat("0", 40)
	reply := worker.Enroll(ctx, []byte("OSSEC A:'wk01' V:'v4.14.7' G:'web,default,web' IP:'src' K:'"+hash+"'\n"), net.ParseIP("10.0.9.1"))
	if !strings.HasPrefix(reply, "OSSEC K:'007 wk01 10.0.9.1 ") || !keyShape.MatchString(reply[len("OSSEC K:'007 wk01 10.0.9.1 "):len(reply)-1]) {
		t.Fatalf("reply %q", reply)
	}
	wantPayload := `{"daemon_name":"authd","message":{"arguments":{"name":"wk01","ip":"10.0.9.1","groups":"web,default","key_hash":"` + hash + `"},"function":"add"}}`
	if got := fw.payloads(); len(got) != 1 || got[0] != wantPayload {
		t.Fatalf("forwarded %q\nwant %q", got, wantPayload)
	}
	a, ok, _ := st.AgentByName(ctx, "wk01")
	if !ok || a.IP != "10.0.9.1" || strings.Join(a.Groups, ",") != "web,default" {
		t.Fatalf("master stored %+v (found %v)", a, ok)
	}
}

func TestWorkerRelaysMasterRefusal(t *testing.T) {
	worker, _, _ := newWorkerPair(t)
	ctx := context.Background()
	cases := map[string]string{
		"OSSEC A:'db01'\n":                  "ERROR: Duplicate name. Unable to add agent",
		"OSSEC A:'wk02' G:'nonexistent'\n":  "ERROR: Invalid Group(s) Name(s). Unable to add agent",
		"OSSEC A:'vec-manager'\n":           "ERROR: Duplicate name. Unable to add agent",
		"OSSEC A:'wk03' IP:'10.0.0.3'\n":    "ERROR: Duplicate IP. Unable to add agent",
		"OSSEC A:'wk04' IP:'2001:db8::5'\n": "OSSEC K:'007 wk04 2001:0DB8:0000:0000:0000:0000:0000:0005 ",
	}
	for line, want := range cases {
		got := worker.Enroll(ctx, []byte(line), net.ParseIP("10.0.9.2"))
		if !strings.HasPrefix(got, want) || (!strings.HasPrefix(want, "OSSEC K:") && got != want) {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	}
}

func TestWorkerChecksSyntaxLocally(t *testing.T) {
	worker, fw, _ := newWorkerPair(t)
	got := worker.Enroll(context.Background(), []byte("OSSEC A:'x'\n"), net.ParseIP("10.0.9.3"))
	if got != "ERROR: Invalid agent name: x. Unable to add agent" {
		t.Fatalf("reply %q", got)
	}
	got = worker.Enroll(context.Background(), []byte("OSSEC A:'grp' G:'a b'\n"), net.ParseIP("10.0.9.3"))
	if !strings.HasPrefix(got, "ERROR: Invalid group name: a b... characters") {
		t.Fatalf("reply %q", got)
	}
	if n := len(fw.payloads()); n != 0 {
		t.Fatalf("worker forwarded %d invalid requests", n)
	}
}

func TestWorkerMasterUnreachable(t *testing.T) {
	worker, fw, _ := newWorkerPair(t)
	fw.answer = func() ([]byte, error) { return nil, errMasterDown }
	got := worker.Enroll(context.Background(), []byte("OSSEC A:'wk05'\n"), net.ParseIP("10.0.9.4"))
	if got != "ERROR: Cannot comunicate with master. Unable to add agent" {
		t.Fatalf("reply %q", got)
	}
}

func TestWorkerInvalidMasterAnswer(t *testing.T) {
	answers := []string{
		"garbage",
		`{"data":{"id":"007","key":"k"}}`,
		`{"error":0}`,
		`{"error":0,"data":{"id":7,"key":"k"}}`,
		`{"error":0,"data":{"id":"007"}}`,
		``,
	}
	for _, answer := range answers {
		worker, fw, _ := newWorkerPair(t)
		fw.answer = func() ([]byte, error) { return []byte(answer), nil }
		got := worker.Enroll(context.Background(), []byte("OSSEC A:'wk06'\n"), net.ParseIP("10.0.9.5"))
		if got != "ERROR: Invalid message format. Unable to add agent" {
			t.Errorf("answer %q: reply %q", answer, got)
		}
	}
}

func TestWorkerErrorWithoutMessage(t *testing.T) {
	worker, fw, _ := newWorkerPair(t)
	fw.answer = func() ([]byte, error) { return []byte(`{"error":9999}`), nil }
	got := worker.Enroll(context.Background(), []byte("OSSEC A:'wk07'\n"), net.ParseIP("10.0.9.6"))
	if got != "ERROR: (undefined). Unable to add agent" {
		t.Fatalf("reply %q", got)
	}
}

func TestWorkerRefusesJSONAPI(t *testing.T) {
	worker, _, _ := newWorkerPair(t)
	got := string(worker.HandleJSON(context.Background(), []byte(`{"function":"get","arguments":{"id":"001"}}`)))
	if got != `{"error":9015,"message":"Cannot execute this request on a worker node"}` {
		t.Fatalf("reply %s", got)
	}
}

func TestWorkerUndoRemovesOnMaster(t *testing.T) {
	worker, fw, st := newWorkerPair(t)
	ctx := context.Background()
	reply, undo := worker.enroll(ctx, []byte("OSSEC A:'wk08'\n"), net.ParseIP("10.0.9.7"))
	if !strings.HasPrefix(reply, "OSSEC K:'007 wk08 any ") || undo == nil {
		t.Fatalf("reply %q", reply)
	}
	undo(ctx)
	sent := fw.payloads()
	want := `{"daemon_name":"authd","message":{"arguments":{"id":"007","purge":1},"function":"remove"}}`
	if len(sent) != 2 || sent[1] != want {
		t.Fatalf("payloads %q", sent)
	}
	if _, ok, _ := st.AgentByName(ctx, "wk08"); ok {
		t.Fatal("agent still registered after undo")
	}
	// purge:1 is not JSON true: the master keeps a removed entry, as Wazuh does.
	lines := st.ClientKeysLines()
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "007 !wk08 any ") {
		t.Fatalf("last client.keys line %q", last)
	}
}

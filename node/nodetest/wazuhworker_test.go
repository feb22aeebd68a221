package nodetest_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
)

// wazuhWorker drives a raw peer as a Wazuh 4.14.7 worker that no memberlist knows: a goroutine
// answers what the master asks (long strings, agent-groups documents) as Wazuh's worker does and
// keeps the agent-groups documents for the test, which sends the worker's own requests with ask.
type wazuhWorker struct {
	*nodetest.RawPeer
	done chan struct{}

	mu      sync.Mutex
	waiting map[uint32]chan messages.Frame // our requests, by counter
	strs    map[string][]byte              // long strings the master is sending, by id
	lastStr int
	docs    []groupsDoc
	taken   int // docs handed to the test by nextDoc
	// dapi receives the master's answers to the worker's dapi requests (dapi_res with the
	// string it names in place of the string id, and dapi_err) and the requests the master
	// forwards it (dapi).
	dapi chan messages.Frame
}

// groupsDoc is one agent-groups document the master named with syn_g_m_w or syn_g_m_w_c.
type groupsDoc struct {
	command string
	sync    messages.AgentGroupsSync
	err     error
}

// startWazuhWorker connects a Wazuh worker named name to the master and serves it until the
// test ends.
func startWazuhWorker(t *testing.T, c *nodetest.Cluster, name string) *wazuhWorker {
	t.Helper()
	w := &wazuhWorker{RawPeer: helloRaw(t, c, name), done: make(chan struct{}),
		waiting: map[uint32]chan messages.Frame{}, strs: map[string][]byte{}, dapi: make(chan messages.Frame, 8)}
	_ = w.Conn().SetReadDeadline(time.Time{})
	go w.serve()
	t.Cleanup(func() {
		_ = w.Conn().Close()
		<-w.done
	})
	return w
}

func (w *wazuhWorker) serve() {
	defer close(w.done)
	for {
		f, err := w.ReadFrame()
		if err != nil {
			return
		}
		w.mu.Lock()
		ch, ok := w.waiting[f.Counter]
		delete(w.waiting, f.Counter)
		w.mu.Unlock()
		if ok {
			ch <- f
			continue
		}
		w.answer(f)
	}
}

// answer serves one request of the master, as Wazuh's worker handler does.
func (w *wazuhWorker) answer(f messages.Frame) {
	reply := func(command string, payload []byte) {
		_ = w.Write(messages.Frame{Counter: f.Counter, Command: command, Payload: payload})
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch f.Command {
	case messages.CmdNewStr:
		w.lastStr++
		id := strconv.Itoa(w.lastStr)
		w.strs[id] = []byte{}
		reply(messages.CmdOK, []byte(id))
	case messages.CmdStrUpd:
		id, data, _ := bytes.Cut(f.Payload, []byte(" "))
		if _, ok := w.strs[string(id)]; ok {
			w.strs[string(id)] = append(w.strs[string(id)], data...)
		}
		reply(messages.CmdOK, []byte("String updated"))
	case messages.CmdSynGMW, messages.CmdSynGMWC:
		data, ok := w.strs[string(f.Payload)]
		delete(w.strs, string(f.Payload))
		reply(messages.CmdOK, f.Payload)
		doc := groupsDoc{command: f.Command}
		if !ok {
			doc.err = fmt.Errorf("%s names unknown string %q", f.Command, f.Payload)
		} else {
			doc.sync, doc.err = messages.ParseAgentGroupsSync(data)
		}
		w.docs = append(w.docs, doc)
	case messages.CmdDapi:
		// A request the master forwards: queued, for the test to answer.
		reply(messages.CmdOK, []byte(messages.ReplyDapiQueued))
		select {
		case w.dapi <- f:
		default:
		}
	case messages.CmdDapiRes, messages.CmdDapiErr:
		// Wazuh's worker acknowledges at once and relays to its local client.
		answer := messages.ReplyForwardedToWorker
		if f.Command == messages.CmdDapiErr {
			answer = messages.ReplyDapiErrorForwarded
		} else if res, err := messages.ParseDapiResult(f.Payload); err == nil {
			f.Payload = append([]byte(res.RequestID+" "), w.strs[res.StringID]...)
			delete(w.strs, res.StringID)
		}
		reply(messages.CmdOK, []byte(answer))
		select {
		case w.dapi <- f:
		default:
		}
	default:
		reply(messages.CmdErr, []byte("unexpected command "+f.Command))
	}
}

// ask sends one request of the worker and waits for the master's answer.
func (w *wazuhWorker) ask(t *testing.T, command string, payload []byte) messages.Frame {
	t.Helper()
	ch := make(chan messages.Frame, 1)
	counter := w.AdvanceCounter(1)
	w.mu.Lock()
	w.waiting[counter] = ch
	w.mu.Unlock()
	if err := w.Write(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		t.Fatalf("write %s: %v", command, err)
	}
	select {
	case f := <-ch:
		return f
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer to %s", command)
		return messages.Frame{}
	}
}

// nextDoc waits for the next agent-groups document the master sends.
func (w *wazuhWorker) nextDoc(t *testing.T, timeout time.Duration) groupsDoc {
	t.Helper()
	var doc groupsDoc
	nodetest.Eventually(t, timeout, func() error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.taken == len(w.docs) {
			return fmt.Errorf("no agent-groups document after %d", w.taken)
		}
		doc = w.docs[w.taken]
		w.taken++
		return nil
	})
	if doc.err != nil {
		t.Fatal(doc.err)
	}
	return doc
}

// checkPeriodic checks what every syn_g_m_w of a master carries (§7.2): the override mode, the
// synced status, and the master's global hash on the last chunk; it returns that hash and the
// assignments of the document.
func checkPeriodic(t *testing.T, doc groupsDoc) (string, []messages.AgentGroupsEntry) {
	t.Helper()
	if doc.command != messages.CmdSynGMW {
		t.Fatalf("got %s, want %s", doc.command, messages.CmdSynGMW)
	}
	if doc.sync.Mode != messages.AgentGroupsModeOverride || doc.sync.SyncStatus != messages.AgentGroupsStatusSynced {
		t.Fatalf("set-agent-groups payload mode %q sync_status %q, want override/synced", doc.sync.Mode, doc.sync.SyncStatus)
	}
	hash, ok := messages.LastChunkHash(doc.sync.Chunks)
	if !ok {
		t.Fatalf("syn_g_m_w without the global hash: %q", doc.sync.Chunks)
	}
	return hash, chunkEntries(t, doc.sync.Chunks)
}

func chunkEntries(t *testing.T, chunks []string) []messages.AgentGroupsEntry {
	t.Helper()
	var out []messages.AgentGroupsEntry
	for _, s := range chunks {
		c, err := messages.ParseAgentGroupsChunk(s)
		if err != nil {
			t.Fatalf("chunk %q: %v", s, err)
		}
		out = append(out, c.Data...)
	}
	return out
}

// reportApplied answers a document as Wazuh's worker does once it applied it.
func (w *wazuhWorker) reportApplied(t *testing.T, doc groupsDoc) {
	t.Helper()
	command := messages.CmdSynWGE
	if doc.command == messages.CmdSynGMWC {
		command = messages.CmdSynWGCE
	}
	res := messages.SyncResult{UpdatedChunks: len(doc.sync.Chunks), TimeSpent: 0.001}
	if f := w.ask(t, command, res.Encode()); f.Command != messages.CmdOK {
		t.Fatalf("%s answered %s %q", command, f.Command, f.Payload)
	}
}

// A Wazuh 4.14.7 worker (no memberlist) under a clusterd master gets the agent-groups broadcast
// every sync_agent_groups cycle, with the master's global hash (null when no agent has groups),
// even when nothing changed; it first gets what changed before it connected. When its own hash
// differs it asks for the full set after agent_groups_mismatch_limit (5) mismatches and gets
// every assignment (§7.2, §7.3).
func TestAgentGroupsWazuhWorkerGetsTheHashEveryCycle(t *testing.T) {
	t.Run("assignments", func(t *testing.T) {
		wazuhWorkerGroupsCycles(t, [][]string{{"default"}, {"default", "web"}, {"web"}})
	})
	t.Run("no agent has groups", func(t *testing.T) {
		wazuhWorkerGroupsCycles(t, [][]string{{}, {}})
	})
}

// wazuhWorkerGroupsCycles runs the test with one agent per entry of assignments, each given
// those groups (none: the agent has no group and no group hash).
func wazuhWorkerGroupsCycles(t *testing.T, assignments [][]string) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: func(in *config.Internal) {
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour // the raw worker sends no keepalives
		in.Master.SyncAgentGroups = 300 * time.Millisecond
	}})
	ctx := context.Background()
	st := c.Master().Node().Store()
	if err := st.CreateGroup(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{}
	var data []wazuhdb.AgentGroups
	for i, groups := range assignments {
		a, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: fmt.Sprintf("wz-%d", i), IP: "any", Key: strings.Repeat("a", 64)})
		if err != nil {
			t.Fatal(err)
		}
		want[a.ID] = groups
		if len(groups) > 0 {
			data = append(data, wazuhdb.AgentGroups{ID: a.ID, Groups: groups})
		}
	}
	if len(data) > 0 {
		if err := st.SetAgentGroups(ctx, wazuhdb.ModeOverride, "syncreq", data); err != nil {
			t.Fatal(err)
		}
	}
	masterHash, _, err := st.GlobalGroupHash(ctx) // "" when no agent has one: null on the wire
	if err != nil {
		t.Fatal(err)
	}
	// Cycles pass with nobody connected, logged as Wazuh's master logs them; the changes wait
	// for the first worker, as in Wazuh, where a cycle without clients reads nothing.
	const skipped = "[Master] [Local agent-groups] No clients connected. Skipping."
	nodetest.Eventually(t, 10*time.Second, func() error {
		if n := c.Master().LogCount(skipped); n < 2 {
			return fmt.Errorf("%q logged %d times", skipped, n)
		}
		return nil
	})
	w := startWazuhWorker(t, c, "wazuhworker")

	// The assignments made before it connected, then the hash alone, cycle after cycle.
	got := map[int][]string{}
	empty := 0
	for empty < 4 {
		doc := w.nextDoc(t, 10*time.Second)
		hash, entries := checkPeriodic(t, doc)
		if hash != masterHash {
			t.Fatalf("broadcast hash %q, want the master's %q", hash, masterHash)
		}
		for _, e := range entries {
			got[e.ID] = e.Groups
		}
		if len(entries) == 0 {
			empty++
		}
		w.reportApplied(t, doc)
	}
	for id, groups := range want {
		if len(groups) > 0 && fmt.Sprint(got[id]) != fmt.Sprint(groups) {
			t.Fatalf("periodic broadcasts carried %v, want %v", got, want)
		}
	}
	if n := c.Master().LogCount("[Worker wazuhworker] [Agent-groups send] Starting."); n < 4 {
		t.Fatalf("the master logged %d agent-groups sends to the worker", n)
	}

	// The worker's database drifts: five mismatches in a row, then syn_w_g_c.
	const limit, ownHash = 5, "drifted"
	for mismatches := 0; mismatches < limit; {
		doc := w.nextDoc(t, 10*time.Second)
		hash, entries := checkPeriodic(t, doc)
		if len(entries) != 0 {
			t.Fatalf("nothing changed, yet the broadcast carries %v", entries)
		}
		if hash != ownHash {
			mismatches++
		}
		w.reportApplied(t, doc)
	}
	if f := w.ask(t, messages.CmdSynWGC, nil); f.Command != messages.CmdOK {
		t.Fatalf("syn_w_g_c answered %s %q", f.Command, f.Payload)
	}
	for {
		doc := w.nextDoc(t, 10*time.Second)
		if doc.command == messages.CmdSynGMW {
			checkPeriodic(t, doc)
			w.reportApplied(t, doc)
			continue
		}
		if doc.command != messages.CmdSynGMWC {
			t.Fatalf("got %s", doc.command)
		}
		if doc.sync.Mode != messages.AgentGroupsModeOverride || doc.sync.SyncStatus != messages.AgentGroupsStatusSynced {
			t.Fatalf("full set-agent-groups payload mode %q sync_status %q", doc.sync.Mode, doc.sync.SyncStatus)
		}
		full := map[int][]string{}
		for _, e := range chunkEntries(t, doc.sync.Chunks) {
			full[e.ID] = e.Groups
		}
		if fmt.Sprint(full) != fmt.Sprint(want) {
			t.Fatalf("syn_g_m_w_c carried %v, want every agent %v", full, want)
		}
		w.reportApplied(t, doc)
		return
	}
}

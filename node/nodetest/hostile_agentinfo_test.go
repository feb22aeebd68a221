package nodetest_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// hostileAgentInfo is an agent-info document of n agents with ids from 100000 on (none of
// them known to the master), plus the known ids, whose OS it renames to osName.
func hostileAgentInfo(n int, known []int, osName string) []byte {
	var c messages.AgentInfoChunks
	item := func(id int, os string) messages.AgentInfoItem {
		return messages.AgentInfoItem{ID: id, Name: "agent" + strconv.Itoa(id), IP: "10.1.2.3", OSName: os,
			OSVersion: "12", OSPlatform: "debian", OSUname: "Linux | host | 6.1.0 | #1 SMP | x86_64", OSArch: "x86_64",
			Version: "Wazuh v4.14.7", ConfigSum: "ab12cd34ef56ab12cd34ef56ab12cd34", MergedSum: "0123456789abcdef0123456789abcdef",
			ManagerHost: "bigworker", NodeName: "bigworker", LastKeepalive: 1700000000, ConnectionStatus: "active",
			GroupConfigStatus: "synced", Labels: []messages.AgentLabel{{Key: "env", Value: "campaign"}}}
	}
	for _, id := range known {
		c.Syncreq = append(c.Syncreq, item(id, osName))
	}
	for i := range n {
		c.Syncreq = append(c.Syncreq, item(100000+i, "Debian GNU/Linux"))
		c.Keepalive = append(c.Keepalive, messages.AgentKeepaliveItem{ID: 100000 + i, Version: "Wazuh v4.14.7"})
	}
	return messages.EncodeAgentInfoSync(c)
}

// A worker's agent-info as large as it gets (§6.1). The campaign sent a document of a million
// agents. With what wazuh-db reports of each (hostileAgentInfo) that document comes to about
// 620 MB, beyond the 256 MiB a string may have (MAX_TOTAL_SIZE): its new_str is refused with
// Wazuh's "error" reply before anything is allocated. A smaller document takes the same path
// end to end: 10,000 agents (5 MiB; a hundred thousand take a minute under the race detector)
// are received, parsed and applied, the known agents taking its values and the unknown ones
// skipped as wazuh-db skips them, and answered with syn_m_a_e. Meanwhile the connected worker
// keeps its connection; the heap stays within a bound of the document's size, and afterwards
// the master holds none of it.
func TestHugeAgentInfoIsBoundedWhileWorkersKeepServing(t *testing.T) {
	// Megabytes through Fernet under the race detector are slow: Wazuh's own request timeout,
	// and a keepalive allowance the raw worker, busy sending, need not meet.
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Communication.TimeoutClusterRequest = 20 * time.Second
		in.Master.MaxAllowedTimeWithoutKeepalive = 2 * time.Minute
	}})
	m := c.Master()
	var known []int
	for i := range 3 {
		id, err := strconv.Atoi(enroll(t, m, fmt.Sprintf("OSSEC A:'known%d' V:'v4.14.7'", i)))
		if err != nil {
			t.Fatal(err)
		}
		known = append(known, id)
	}
	doc := hostileAgentInfo(10_000, known, "HostileOS")
	base, heap := runtime.NumGoroutine(), heapInUse()
	t0 := time.Now()

	p := helloRaw(t, c, "bigworker")
	if f := p.Call(messages.CmdSynAWMP, nil); f.Command != messages.CmdOK || string(f.Payload) != "True" {
		t.Fatalf("syn_a_w_m_p answered %s %q", f.Command, f.Payload)
	}

	f := p.Call(messages.CmdNewStr, []byte("620000000")) // the million agents' document
	if f.Command != messages.CmdError || string(f.Payload) != wire.ReplyStringTooLarge {
		t.Fatalf("new_str beyond 256 MiB answered %s %q", f.Command, f.Payload)
	}
	if grown := int64(heapInUse()) - int64(heap); grown > 64<<20 {
		t.Fatalf("the heap grew by %d MiB after a refused 620 MB announcement", grown>>20)
	}

	stopPeak := heapPeak(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	id, err := wire.SendString(ctx, p, doc, wire.RequestChunk)
	if err != nil {
		t.Fatalf("send the agent-info string: %v", err)
	}
	if f := p.Call(messages.CmdSynAWM, []byte(id)); f.Command != messages.CmdOK || string(f.Payload) != id {
		t.Fatalf("syn_a_w_m answered %s %q", f.Command, f.Payload)
	}
	// The result comes as a request from the master; its agent-groups requests may come first.
	var result messages.Frame
	_ = p.Conn().SetReadDeadline(time.Now().Add(time.Minute))
	for result.Command != messages.CmdSynMAE && result.Command != messages.CmdSynMAErr {
		if result, err = p.ReadFrame(); err != nil {
			t.Fatalf("waiting for the master's agent-info result: %v", err)
		}
	}
	took, grown := time.Since(t0), int64(stopPeak())
	if result.Command != messages.CmdSynMAE {
		t.Fatalf("the master answered %s %q", result.Command, result.Payload)
	}
	res, err := messages.ParseSyncResult(result.Payload)
	if err != nil || len(res.ErrorMessages) > 0 || res.UpdatedChunks != 2 {
		t.Fatalf("agent-info result %q: %+v %v", result.Payload, res, err)
	}
	t.Logf("%d MiB document of %d agents applied in %s; heap in use peaked %d MiB above the %d MiB before",
		len(doc)>>20, 10_000+len(known), took, grown>>20, heap>>20)
	if limit := int64(32 * len(doc)); grown > limit {
		t.Fatalf("the heap grew by %d MiB for a %d MiB document (bound %d MiB)", grown>>20, len(doc)>>20, limit>>20)
	}
	for _, id := range known {
		a, ok, err := m.Node().Store().Agent(context.Background(), id)
		if err != nil || !ok || a.OSName != "HostileOS" || a.NodeName != "bigworker" {
			t.Fatalf("agent %d after the sync: %+v %v %v", id, a, ok, err)
		}
	}

	keptConnected(t, c, t0)
	_ = p.Conn().Close()
	goroutinesBackTo(t, base, 10)
	heapBackTo(t, heap, 32<<20)
}

// zerosAgentInfo is an agent-info document whose syncreq rows rename the OS of the known
// agents, followed by n keepalive items naming agent 0, the manager, which no worker may write:
// three bytes each, and each decoded into Go values took over a hundred.
func zerosAgentInfo(known []int, osName string, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {"syncreq": [`)
	for i, id := range known {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"id": %d, "os_name": %q, "node_name": "bigworker", "connection_status": "active"}`, id, osName)
	}
	b.WriteString(`], "syncreq_keepalive": [0`)
	b.WriteString(strings.Repeat(", 0", n-1))
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// enrollKnown enrolls n agents on the master and returns their ids.
func enrollKnown(t *testing.T, m *nodetest.Member, prefix string, n int) []int {
	t.Helper()
	var ids []int
	for i := range n {
		id, err := strconv.Atoi(enroll(t, m, fmt.Sprintf("OSSEC A:'%s%d' V:'v4.14.7'", prefix, i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Three workers send their agent-info at once, each a document whose items decoded whole took
// the master over thirty times the document's size. Their documents are read a batch at a time
// and applied one after the other, so what the master holds beyond the documents themselves is
// about one batch, not three documents' worth of Go values; each worker gets its syn_m_a_e and
// the healthy worker keeps its connection.
func TestAgentInfoOfThreeWorkersAtOnceIsAppliedInBoundedMemory(t *testing.T) {
	const items = 1_500_000 // 4.3 MiB a document
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: agentInfoTune})
	m := c.Master()
	known := enrollKnown(t, m, "three", 2)
	base := runtime.NumGoroutine()
	t0 := time.Now()
	peers, ids := make([]*nodetest.RawPeer, 3), make([]string, 3)
	docs := make([][]byte, 3)
	for i := range peers {
		docs[i] = zerosAgentInfo(known, fmt.Sprintf("OS-%d", i), items)
		peers[i] = helloRaw(t, c, fmt.Sprintf("bigworker%d", i))
		ids[i] = sendAgentInfoString(t, peers[i], docs[i])
	}
	heap := heapInUse()
	stop := heapPeak(t)
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Go(func() {
			f, err := agentInfoResult(p, ids[i], 2*time.Minute)
			if err == nil && f.Command != messages.CmdSynMAE {
				err = fmt.Errorf("the master answered %s %q", f.Command, f.Payload)
			}
			if err == nil {
				var res messages.SyncResult
				if res, err = messages.ParseSyncResult(f.Payload); err == nil && (res.UpdatedChunks != 2 || len(res.ErrorMessages) > 0) {
					err = fmt.Errorf("result %q", f.Payload)
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	peak := stop()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
	}
	t.Logf("three %d MiB documents of %d items applied in %s; heap in use peaked %d MiB above the %d MiB once they were received",
		len(docs[0])>>20, items, time.Since(t0).Round(time.Millisecond), peak>>20, heap>>20)
	// Decoded whole, each document took over 150 MiB.
	if peak > 96<<20 {
		t.Fatalf("applying three %d MiB documents made the heap grow by %d MiB", len(docs[0])>>20, peak>>20)
	}
	// One of the three documents was applied last: the known agents carry its OS.
	a, ok, err := m.Node().Store().Agent(context.Background(), known[0])
	if err != nil || !ok || !strings.HasPrefix(a.OSName, "OS-") || a.NodeName != "bigworker" {
		t.Fatalf("agent %d after the syncs: %+v %v %v", known[0], a, ok, err)
	}
	keptConnected(t, c, t0)
	for _, p := range peers {
		_ = p.Conn().Close()
	}
	goroutinesBackTo(t, base, 10)
	heapBackTo(t, heap, 32<<20)
}

// While a worker's agent-info is being applied its string keeps its share of the node's
// string budget, so documents queued or being applied count with those still arriving; a
// second document from the same worker is refused (3037) and its share given back at once;
// the permission is refused meanwhile, as Wazuh's sync_agent_info_free does.
func TestAgentInfoBeingAppliedHoldsItsStringBudget(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: agentInfoTune})
	m := c.Master()
	known := enrollKnown(t, m, "held", 1)
	budget := m.Node().Kit().StringBudget
	doc := zerosAgentInfo(known, "HeldOS", 1000)

	// Another writer holds the master's store: the apply waits for it (up to SQLite's busy
	// timeout of five seconds).
	db, err := sql.Open("sqlite", node.DBPath(m.Home))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`UPDATE agent SET os_name = 'locked' WHERE id = ?`, known[0]); err != nil {
		t.Fatal(err)
	}
	p := helloRaw(t, c, "heldworker")
	id := sendAgentInfoString(t, p, doc)
	if f := p.Call(messages.CmdSynAWM, []byte(id)); f.Command != messages.CmdOK || string(f.Payload) != id {
		t.Fatalf("syn_a_w_m answered %s %q", f.Command, f.Payload)
	}
	nodetest.Eventually(t, 5*time.Second, func() error {
		if !m.Logged("[Worker heldworker] [Agent-info sync] Starting.") {
			return fmt.Errorf("the master has not started applying")
		}
		return nil
	})
	if n := budget.InUse(); n < int64(len(doc)) {
		_ = lock.Rollback()
		t.Fatalf("the string budget holds %d bytes while a %d-byte document is being applied", n, len(doc))
	}
	if f := p.Call(messages.CmdSynAWMP, nil); f.Command != messages.CmdOK || string(f.Payload) != "False" {
		_ = lock.Rollback()
		t.Fatalf("syn_a_w_m_p during the apply answered %s %q", f.Command, f.Payload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	second, err := wire.SendString(ctx, p, doc, wire.RequestChunk)
	if err != nil {
		_ = lock.Rollback()
		t.Fatal(err)
	}
	f := p.Call(messages.CmdSynAWM, []byte(second))
	if _ = lock.Rollback(); nodetest.WazuhCode(t, f) != 3037 {
		t.Fatalf("a second syn_a_w_m during the apply answered %s %q", f.Command, f.Payload)
	}
	// The first document is applied once the store is free (or fails on SQLite's busy
	// timeout); either way its share of the budget comes back, and the refused one's too.
	nodetest.Eventually(t, time.Minute, func() error {
		if n := budget.InUse(); n != 0 {
			return fmt.Errorf("the string budget still holds %d bytes", n)
		}
		return nil
	})
}

package nodetest_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
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

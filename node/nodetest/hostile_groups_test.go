package nodetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// A master's agent-groups document whose page is far larger than any wazuh-db writes: decoded,
// its 16 MiB of entries took the worker over 150 MiB. The worker decodes the pages one at a
// time and refuses that one undecoded, in its result's error messages, while applying the
// others; it keeps its connection.
func TestAgentGroupsPageFromAMasterIsBounded(t *testing.T) {
	fm := startFakeMaster(t)
	w := nodetest.StartWorkerOf(t, fm.addr(), nodetest.Options{})
	select {
	case <-fm.hellos:
	case <-time.After(15 * time.Second):
		t.Fatal("the worker never said hello")
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if ok, err := w.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("worker not connected (%v)", err)
		}
		return nil
	})
	const entries = 16 << 20 / 30
	huge := `[{"data":[` + strings.Repeat(`{"id":0,"groups":["default"]},`, entries) + `{"id":0}]}]`
	doc := messages.EncodeAgentGroupsSync(messages.AgentGroupsSync{Mode: "override", SyncStatus: "synced",
		Chunks: []string{`[{"data":[]}]`, huge, `[{"data":[],"hash":null}]`}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := wire.SendString(ctx, fm, doc, wire.RequestChunk)
	if err != nil {
		t.Fatal(err)
	}
	heap := heapInUse()
	stop := heapPeak(t)
	if f := fm.request(messages.CmdSynGMW, []byte(id)); f.Command != messages.CmdOK {
		t.Fatalf("syn_g_m_w answered %s %q", f.Command, f.Payload)
	}
	var result messages.Frame
	select {
	case result = <-fm.results:
	case <-time.After(time.Minute):
		t.Fatal("no agent-groups result from the worker")
	}
	peak := stop()
	t.Logf("a %d MiB agent-groups document: heap in use peaked %d MiB above the %d MiB once received", len(doc)>>20, peak>>20, heap>>20)
	if result.Command != messages.CmdSynWGE {
		t.Fatalf("the worker answered %s %q", result.Command, result.Payload)
	}
	res, err := messages.ParseSyncResult(result.Payload)
	if err != nil || res.UpdatedChunks != 2 || len(res.ErrorMessages) != 1 || !strings.Contains(res.ErrorMessages[0], "larger than") {
		t.Fatalf("result %.300q: %+v %v", result.Payload, res, err)
	}
	if peak > 48<<20 {
		t.Fatalf("a %d MiB page made the worker's heap grow by %d MiB", len(huge)>>20, peak>>20)
	}
	if l := w.LongestLogEntry(); l > 4096 {
		t.Fatalf("the worker logged an entry of %d bytes", l)
	}
	if ok, err := w.WorkerConnected(); err != nil || !ok {
		t.Fatalf("the worker lost its master (%v)", err)
	}
}

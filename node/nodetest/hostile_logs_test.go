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

// peerJunk is text a hostile peer sends for a node to log: it opens with a line that would pass
// for one of the node's own once after a newline, and goes on for size bytes.
func peerJunk(size int) string {
	forged := "\n2026/01/01 00:00:00 CRITICAL: [Master] [Main] FORGED line from a peer\n"
	return forged + strings.Repeat("megabytes of a peer ", size/20)
}

// maxLogEntry is how long a log entry may grow because of what a peer sent.
const maxLogEntry = 4096

// noPeerTextLogged fails unless every entry m logged is at most maxLogEntry bytes and one line.
func noPeerTextLogged(t *testing.T, m *nodetest.Member) {
	t.Helper()
	if l := m.LongestLogEntry(); l > maxLogEntry {
		t.Fatalf("%s logged an entry of %d bytes", m.Name, l)
	}
	// Entries are kept without their final newline: one inside is a forged line.
	if n := m.LogCount("\n"); n > 0 {
		t.Fatalf("%s logged %d entries holding a line break", m.Name, n)
	}
}

// A worker sends the master, over a real connection, every text the master logs: an integrity
// error, an agent-groups error and result, a cancel_task, sendsync requests for an unknown
// daemon and larger than any daemon reads, an agent-info document with a bad command. The
// master logs each, with at most a clipped part of what the worker chose, and never a line
// break of it.
func TestPeerTextLoggedByTheMasterIsClipped(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: agentInfoTune})
	m := c.Master()
	p := helloRaw(t, c, "logworker")
	junk := peerJunk(1 << 20)
	quoted := messages.EncodeJSON(junk)
	// The master's own requests (agent-groups) may come in between: ask skips them.
	ask := func(command string, payload []byte) messages.Frame {
		t.Helper()
		f, err := p.Request(context.Background(), command, payload)
		if err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		return f
	}

	expect := []string{
		"Error received from the worker during integrity synchronisation",
		"There was an error while processing agent-groups on the peer",
		"There were 50 chunks with errors",
		"The task was canceled due to the following error on the remote node",
		"Error in SendSync (parameters",
		"Error processing agent-info",
	}
	ask(messages.CmdSynIWMR, []byte("None "+junk))
	ask(messages.CmdSynWGErr, []byte(junk))
	errs := make([]string, 50)
	for i := range errs {
		errs[i] = junk[:20<<10]
	}
	result := messages.EncodeJSON(map[string]any{"updated_chunks": 0, "error_messages": errs, "time_spent": 0.5})
	ask(messages.CmdSynWGE, result)
	ask(messages.CmdCancelTask, append([]byte("3f1a2b4c-0000-4000-8000-000000000000 "), quoted...))
	body := []byte(`logworker {"daemon_name": ` + string(messages.EncodeJSON(junk[:100<<10])) + `, "message": {}}`)
	if f := ask(messages.CmdSendSync, body); f.Command != messages.CmdOK {
		t.Fatalf("sendsync answered %s %.200q", f.Command, f.Payload)
	}
	big := []byte(`logworker {"daemon_name": "authd", "message": ` + string(quoted) + `}`)
	if code := nodetest.WazuhCode(t, ask(messages.CmdSendSync, big)); code != 3050 {
		t.Fatalf("a sendsync of %d bytes answered %d, want 3050", len(big), code)
	}
	doc := []byte(`{"set_data_command": ` + string(quoted) + `, "chunks": {}}`)
	id := sendAgentInfoString(t, p, doc)
	if f, err := agentInfoResult(p, id, time.Minute); err != nil || f.Command != messages.CmdSynMAErr {
		t.Fatalf("agent-info with a bad command answered %s %.200q (%v)", f.Command, f.Payload, err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		for _, line := range expect {
			if !m.Logged(line) {
				return fmt.Errorf("the master has not logged %q", line)
			}
		}
		return nil
	})
	noPeerTextLogged(t, m)
}

// A master sends a worker, over a real connection, the texts the worker logs: a keepalive
// answer, an error answer to its keepalive, a cancel_task, an agent-groups document with a bad
// command. The worker logs each clipped, on one line.
func TestPeerTextLoggedByAWorkerIsClipped(t *testing.T) {
	fm := startFakeMaster(t)
	junk := peerJunk(1 << 20)
	fm.answer(messages.CmdEchoC, messages.Frame{Command: messages.CmdOKM, Payload: []byte(junk)})
	w := nodetest.StartWorkerOf(t, fm.addr(), nodetest.Options{})
	select {
	case <-fm.hellos:
	case <-time.After(15 * time.Second):
		t.Fatal("the worker never said hello")
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if !w.Logged("Successful response from master") {
			return fmt.Errorf("no keepalive answered yet")
		}
		return nil
	})
	quoted := messages.EncodeJSON(junk)
	fm.request(messages.CmdCancelTask, append([]byte("3f1a2b4c-0000-4000-8000-000000000000 "), quoted...))
	doc := []byte(`{"set_data_command": ` + string(quoted) + `, "payload": {"mode": "override", "sync_status": "synced"}, "chunks": []}`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := wire.SendString(ctx, fm, doc, wire.RequestChunk)
	if err != nil {
		t.Fatal(err)
	}
	fm.request(messages.CmdSynGMW, []byte(id))
	fm.answer(messages.CmdEchoC, messages.Frame{Command: messages.CmdErr, Payload: []byte(junk)})
	for _, line := range []string{"The task was canceled due to the following error on the remote node",
		"Error processing agent-groups information", "Error sending keep alive"} {
		nodetest.Eventually(t, 15*time.Second, func() error {
			if !w.Logged(line) {
				return fmt.Errorf("the worker has not logged %q", line)
			}
			return nil
		})
	}
	noPeerTextLogged(t, w)
}

package nodetest_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
)

// A worker that announced sendsync-inline in cd_caps gets the answer to a sendsync request in
// one cd_ssres request (protocol §22.5); a worker that did not, as every Wazuh worker, gets
// Wazuh's long string (new_str, str_upd) named by sendsyn_res.
func TestSendsyncAnswerInlineOnlyToWorkersThatAsked(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	body := []byte(`asker {"daemon_name": "remoted", "message": {"command": "assigngroup", "parameters": {"agent": "x"}}}`)
	for _, tc := range []struct {
		name   string
		inline bool
	}{{"clusterd", true}, {"wazuh", false}} {
		t.Run(tc.name, func(t *testing.T) {
			p := helloRaw(t, c, tc.name+"worker")
			var mu sync.Mutex
			var seen []string
			p.AnswerWith(func(f messages.Frame) messages.Frame {
				mu.Lock()
				seen = append(seen, f.Command)
				mu.Unlock()
				return nodetest.WazuhWorkerReply(f)
			})
			if tc.inline {
				f := p.Call(actors.CmdCapabilities, []byte(actors.CapSendsyncInline))
				if f.Command != messages.CmdOK || string(f.Payload) != actors.CapSendsyncInline {
					t.Fatalf("cd_caps answered %s %q, want ok %s", f.Command, f.Payload, actors.CapSendsyncInline)
				}
			}
			if f := p.Call(messages.CmdSendSync, body); f.Command != messages.CmdOK {
				t.Fatalf("sendsync answered %s %q", f.Command, f.Payload)
			}
			want := messages.CmdSendSynRes
			if tc.inline {
				want = actors.CmdSendSyncInline
			}
			f, err := p.Await(func(f messages.Frame) bool {
				return f.Command == want || f.Command == messages.CmdSendSynErr
			})
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			if f.Command != want {
				t.Fatalf("the answer came as %s %q, want %s", f.Command, f.Payload, want)
			}
			if err := p.Write(messages.Frame{Counter: f.Counter, Command: messages.CmdOK, Payload: []byte("Response forwarded to worker")}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			strs := strings.Count(strings.Join(seen, " "), messages.CmdNewStr)
			if tc.inline {
				a, err := messages.ParseSendSyncAnswer(f.Payload)
				if err != nil || a.Client != "asker" || !strings.Contains(string(a.Answer), "Invalid agent ID") {
					t.Errorf("cd_ssres carries %q (%v), want asker and the daemon's answer", f.Payload, err)
				}
				if strs != 0 {
					t.Errorf("a long string was sent as well: %v", seen)
				}
				return
			}
			if strs != 1 {
				t.Errorf("the master sent %v before sendsyn_res, want one long string", seen)
			}
		})
	}
}

// A worker takes an inline sendsync answer up to the size a daemon answers in, and refuses a
// larger one (3050) without allocating it again; it keeps its connection.
func TestWorkerBoundsInlineSendsyncAnswers(t *testing.T) {
	fm := startFakeMaster(t)
	w := nodetest.StartWorkerOf(t, fm.addr(), nodetest.Options{})
	nodetest.Eventually(t, 15*time.Second, func() error {
		if ok, err := w.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("worker not connected (%v)", err)
		}
		return nil
	})
	big := messages.SendSyncAnswer{Client: "nobody", Answer: bytes.Repeat([]byte("x"), 64<<10+1)}
	if code := nodetest.WazuhCode(t, fm.request(actors.CmdSendSyncInline, big.Encode())); code != 3050 {
		t.Fatalf("an inline answer of %d bytes answered %d, want 3050", len(big.Answer), code)
	}
	small := messages.SendSyncAnswer{Client: "nobody", Answer: []byte(`{"error":0}`)}
	if f := fm.request(actors.CmdSendSyncInline, small.Encode()); f.Command != messages.CmdOK {
		t.Fatalf("an inline answer of %d bytes answered %s %q", len(small.Answer), f.Command, f.Payload)
	}
	if fm.accepts.Load() != 1 {
		t.Fatalf("the worker connected %d times", fm.accepts.Load())
	}
}

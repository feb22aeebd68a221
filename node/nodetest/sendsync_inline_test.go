package nodetest_test

import (
	"strings"
	"sync"
	"testing"

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

package nodetest_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

func TestWazuhWorkerReplyAnswersAsAWazuhWorker(t *testing.T) {
	cases := []struct {
		command, payload string
		wantCmd, want    string
	}{
		{messages.CmdEchoM, "probe", messages.CmdOKC, "probe"},
		{messages.CmdEcho, "probe", messages.CmdOK, "probe"},
		{messages.CmdStrUpd, "42 data", messages.CmdOK, "String updated"},
		{messages.CmdSynGMW, "42", messages.CmdOK, "42"},
		{messages.CmdSynGMWC, "43", messages.CmdOK, "43"},
		{messages.CmdSynMCOK, "", messages.CmdOK, "Thanks"},
		{messages.CmdDapi, "1 {}", messages.CmdOK, "Added request to API requests queue"},
		{messages.CmdSendSynRes, "1 42", messages.CmdOK, "Response forwarded to worker"},
		{"no_such_cmd", "x", messages.CmdOK, ""},
	}
	for _, c := range cases {
		f := nodetest.WazuhWorkerReply(messages.Frame{Counter: 7, Command: c.command, Payload: []byte(c.payload)})
		if f.Counter != 7 || f.Command != c.wantCmd || string(f.Payload) != c.want {
			t.Errorf("%s %q answered %d %s %q, want %s %q", c.command, c.payload, f.Counter, f.Command, f.Payload, c.wantCmd, c.want)
		}
	}
	f := nodetest.WazuhWorkerReply(messages.Frame{Command: messages.CmdNewStr, Payload: []byte("100")})
	if _, err := strconv.ParseUint(string(f.Payload), 10, 32); f.Command != messages.CmdOK || err != nil {
		t.Errorf("new_str answered %s %q, want ok and a string id", f.Command, f.Payload)
	}
}

// A raw worker that answers as a Wazuh worker takes the master's agent-groups broadcasts
// (new_str, str_upd, syn_g_m_w) while the test drives its own requests, and the master's sends
// succeed; one that leaves them unanswered makes the master's sends time out.
func TestRawPeerAnswersTheMastersRequestsWhenAsked(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: func(in *config.Internal) {
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour // raw workers send no keepalives of their own
		in.Master.SyncAgentGroups = 300 * time.Millisecond
	}})
	for _, answered := range []bool{true, false} {
		name := fmt.Sprintf("raw%v", answered)
		t.Run(name, func(t *testing.T) {
			p := helloRaw(t, c, name)
			var mu sync.Mutex
			seen := map[string]int{}
			if answered {
				p.AnswerWith(func(req messages.Frame) messages.Frame {
					mu.Lock()
					seen[req.Command]++
					mu.Unlock()
					return nodetest.WazuhWorkerReply(req)
				})
			}
			started := fmt.Sprintf("[Worker %s] [Agent-groups send] Starting.", name)
			failed := "Error sending agent-groups information to " + name
			nodetest.Eventually(t, 30*time.Second, func() error {
				if f := p.Call(messages.CmdEchoC, []byte("keepalive")); strings.TrimSpace(f.Command) != "ok-m" {
					t.Fatalf("echo-c answered %s %q", f.Command, f.Payload)
				}
				if n := c.Master().LogCount(started); n < 3 {
					return fmt.Errorf("%d agent-groups sends started", n)
				}
				if !answered && c.Master().LogCount(failed) == 0 {
					return fmt.Errorf("no failed send logged yet")
				}
				return nil
			})
			if !answered {
				return
			}
			if n := c.Master().LogCount(failed); n > 0 {
				t.Fatalf("the master logged %d failed agent-groups sends to a worker that answers", n)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, cmd := range []string{messages.CmdNewStr, messages.CmdStrUpd, messages.CmdSynGMW} {
				if seen[cmd] == 0 {
					t.Fatalf("the peer answered %v, never %s", seen, cmd)
				}
			}
		})
	}
}

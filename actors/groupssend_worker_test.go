package actors

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// hashedGroups is a worker store whose global group hash the test chooses ("" : none).
type hashedGroups struct {
	countingGroups
	own string
}

func (g *hashedGroups) GlobalGroupHash(context.Context) (string, bool, error) {
	return g.own, g.own != "", nil
}

// recordingMaster stands for the worker's handler: it answers every request with ok and keeps
// the commands in order.
type recordingMaster struct {
	mu       sync.Mutex
	commands []string
}

func (m *recordingMaster) Receive(c actor.Context) {
	req, ok := c.Message().(*SendRequest)
	if !ok {
		return
	}
	m.mu.Lock()
	m.commands = append(m.commands, req.Command)
	m.mu.Unlock()
	resp := &Response{Tag: req.Tag, Frame: messages.Frame{Command: messages.CmdOK}}
	switch {
	case req.Reply != nil:
		req.Reply <- resp
	case req.ReplyTo != nil:
		c.Send(req.ReplyTo, resp)
	}
}

func (m *recordingMaster) sent() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.commands)
}

// A clusterd worker compares the master's checksum as Wazuh's worker does (§7.3): an empty-data
// page with the hash is compared, a null hash is None (equal only to a worker with no group
// hash), a page without a hash member compares nothing; after agent_groups_mismatch_limit
// mismatches in a row the worker asks for the full set (syn_w_g_c).
func TestAgentGroupsRecvComparesTheMasterChecksum(t *testing.T) {
	const limit = 5
	cases := []struct {
		name, page, own string
		asks            bool
	}{
		{"same hash", `[{"data":[],"hash":"aa"}]`, "aa", false},
		{"other hash", `[{"data":[],"hash":"aa"}]`, "bb", true},
		{"worker has none", `[{"data":[],"hash":"aa"}]`, "", true},
		{"both null", `[{"data":[],"hash":null}]`, "", false},
		{"master null", `[{"data":[],"hash":null}]`, "bb", true},
		{"no hash member", `[{"data":[{"id":1,"groups":["default"]}]}]`, "bb", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newTestKit(t)
			master := &recordingMaster{}
			mpid := k.System.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return master }))
			settings := Settings{NodeName: "worker1", TimeoutAgentGroups: time.Minute, AgentGroupsMismatchLimit: limit,
				Services: Services{Groups: &hashedGroups{own: tc.own}}}
			pid := k.System.Root.Spawn(actor.PropsFromProducer(NewAgentGroupsRecv(k, settings, mpid)))
			t.Cleanup(func() {
				_ = k.System.Root.StopFuture(pid).Wait()
				_ = k.System.Root.StopFuture(mpid).Wait()
			})
			doc := messages.EncodeAgentGroupsSync(messages.AgentGroupsSync{Mode: messages.AgentGroupsModeOverride,
				SyncStatus: messages.AgentGroupsStatusSynced, Chunks: []string{tc.page}})
			// limit documents, then one more: once its result is sent, the limit-th was compared.
			for range limit + 1 {
				k.System.Root.Send(pid, &groupsDocument{data: doc})
			}
			results := func() int {
				n := 0
				for _, c := range master.sent() {
					if c == messages.CmdSynWGE {
						n++
					}
				}
				return n
			}
			poll.Until(t, waitTimeout, "every result", func() bool { return results() == limit+1 })
			want := slices.Repeat([]string{messages.CmdSynWGE}, limit)
			if tc.asks {
				want = append(want, messages.CmdSynWGC)
			}
			want = append(want, messages.CmdSynWGE)
			if got := master.sent(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("the worker sent %v, want %v", got, want)
			}
		})
	}
}

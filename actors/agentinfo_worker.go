package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// AgentInfo is the worker's node/worker/agent-info: every sync_agent_info it asks the master for
// permission (syn_a_w_m_p), reads what changed in its store since the last confirmed sync, sends
// it as Wazuh 4.14.7's agent-info document (new_str/str_upd, then syn_a_w_m) and waits for the
// master's result (syn_m_a_e / syn_m_a_err). Rows are marked synced only when the master said it
// applied them: a worker killed in between sends them again, nothing is lost.
type AgentInfo struct {
	kit      *Kit
	settings Settings
	master   *actor.PID
	log      *logrus.Entry

	tick  timer
	wait  timer
	state agentInfoState
	token AgentInfoToken
	// early is a master result that overtook the sending goroutine's own report.
	early   *agentInfoResult
	started time.Time
	work    *offload
	cancel  context.CancelFunc // of the sending or confirming work running
}

type agentInfoState int

const (
	agentInfoIdle agentInfoState = iota
	agentInfoAsking
	agentInfoSending
	agentInfoWaiting
)

type (
	agentInfoTick      struct{}
	agentInfoPermitTag struct{}
	// agentInfoSent reports the sending goroutine's outcome.
	agentInfoSent struct {
		token AgentInfoToken
		empty bool
		err   error
	}
	// agentInfoResult is the master's syn_m_a_e / syn_m_a_err, relayed by the worker handler.
	agentInfoResult struct {
		failed  bool
		payload []byte
	}
	agentInfoTimeout   struct{}
	agentInfoConfirmed struct{ err error }
)

// NewAgentInfo returns the producer of the worker's agent-info actor.
func NewAgentInfo(kit *Kit, settings Settings, master *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &AgentInfo{kit: kit, settings: settings, master: master,
			log: kit.Logger("Worker "+settings.NodeName, "Agent-info sync")}
	}
}

// Receive implements actor.Actor.
func (a *AgentInfo) Receive(c actor.Context) {
	if a.settings.Services.AgentInfo == nil {
		return
	}
	switch m := c.Message().(type) {
	case *actor.Started:
		a.work = newOffload(a.kit)
		a.tick.after(a.kit, a.settings.SyncAgentInfo, c.Self(), &agentInfoTick{})
	case *agentInfoTick:
		if a.state == agentInfoIdle {
			a.state = agentInfoAsking
			c.Request(a.master, &SendRequest{Command: messages.CmdSynAWMP, Tag: agentInfoPermitTag{}})
		}
	case *Response:
		if _, ok := m.Tag.(agentInfoPermitTag); ok && a.state == agentInfoAsking {
			a.permission(c, m)
		}
	case *agentInfoSent:
		a.sent(c, m)
	case *agentInfoResult:
		a.result(c, m)
	case *agentInfoConfirmed:
		if m.err != nil {
			a.log.Errorf("Could not mark the agent-info as synchronized: %v", m.err)
		}
		a.finish(c)
	case *agentInfoTimeout:
		if a.state == agentInfoWaiting {
			a.log.Error("No answer from the master about the agent-info sent; it will be sent again.")
			a.finish(c)
		}
	case *masterLink:
		if !m.up && a.state != agentInfoIdle {
			a.finish(c)
		}
	case *actor.Restarting, *actor.Stopping:
		a.tick.stop()
		a.wait.stop()
		a.work.stop()
	}
}

func (a *AgentInfo) permission(c actor.Context, m *Response) {
	if m.Err != nil || string(m.Frame.Payload) != "True" {
		if m.Err == nil {
			a.log.Debugf("Master didn't grant permission to synchronize: %s", messages.ClipForLog(string(m.Frame.Payload)))
		}
		a.finish(c)
		return
	}
	a.state = agentInfoSending
	a.started = a.kit.Now()
	store, r, log := a.settings.Services.AgentInfo, NewRequester(a.kit, a.master), a.log
	a.cancel = a.work.Run(c, a.settings.TimeoutAgentInfo, func(ctx context.Context) any {
		return sendAgentInfo(ctx, store, r, log)
	})
}

// sendAgentInfo reads the pending agent-info and hands it to the master.
func sendAgentInfo(ctx context.Context, store AgentInfoStore, r *Requester, log *logrus.Entry) *agentInfoSent {
	chunks, token, err := store.PendingAgentInfo(ctx)
	if err != nil {
		return &agentInfoSent{err: fmt.Errorf("%w: %w", messages.ErrAgentSyncInfo.New(), err)}
	}
	if chunks.Empty() {
		return &agentInfoSent{empty: true}
	}
	log.Info("Starting.")
	id, err := wire.SendString(ctx, r, messages.EncodeAgentInfoSync(chunks), wire.RequestChunk)
	if err != nil {
		return &agentInfoSent{err: err}
	}
	resp, err := r.Request(ctx, messages.CmdSynAWM, []byte(id))
	if err == nil && resp.Command == messages.CmdErr {
		err = messages.ResponseError(resp.Payload)
	}
	if err != nil {
		return &agentInfoSent{err: err}
	}
	return &agentInfoSent{token: token}
}

func (a *AgentInfo) sent(c actor.Context, m *agentInfoSent) {
	a.cancel = nil
	if a.state != agentInfoSending {
		return
	}
	switch {
	case m.err != nil:
		a.log.Errorf("Error synchronizing agent info: %v", m.err)
		a.finish(c)
	case m.empty:
		a.log.Info("No synchronization required, skipping.")
		a.finish(c)
	default:
		a.token = m.token
		a.state = agentInfoWaiting
		a.wait.after(a.kit, a.settings.TimeoutAgentInfo, c.Self(), &agentInfoTimeout{})
		if early := a.early; early != nil {
			a.early = nil
			a.result(c, early)
		}
	}
}

func (a *AgentInfo) result(c actor.Context, m *agentInfoResult) {
	if a.state == agentInfoSending {
		// The master answered before the goroutine that sent the string reported back.
		a.early = m
		return
	}
	if a.state != agentInfoWaiting {
		return
	}
	a.wait.stop()
	if m.failed {
		a.log.Errorf("There was an error while processing agent-info on the peer: %s", messages.ClipForLog(string(m.payload)))
		a.finish(c)
		return
	}
	res, err := messages.ParseSyncResult(m.payload)
	if err != nil {
		a.log.Errorf("Could not read the master's agent-info result: %v", err)
		a.finish(c)
		return
	}
	if len(res.ErrorMessages) > 0 {
		a.log.Errorf("Finished in %.3fs. Updated %d chunks. There were %d chunks with errors: %s",
			a.kit.Now().Sub(a.started).Seconds(), res.UpdatedChunks, len(res.ErrorMessages), messages.ClipForLog(fmt.Sprint(res.ErrorMessages)))
		a.finish(c)
		return
	}
	a.log.Infof("Finished in %.3fs. Updated %d chunks.", a.kit.Now().Sub(a.started).Seconds(), res.UpdatedChunks)
	// Only now is what was sent marked synced.
	store, token := a.settings.Services.AgentInfo, a.token
	a.cancel = a.work.Run(c, a.settings.TimeoutAgentInfo, func(ctx context.Context) any {
		return &agentInfoConfirmed{err: store.ConfirmAgentInfo(ctx, token)}
	})
}

func (a *AgentInfo) finish(c actor.Context) {
	a.wait.stop()
	if a.cancel != nil {
		a.cancel()
		a.cancel = nil
	}
	a.state = agentInfoIdle
	a.token = nil
	a.early = nil
	a.tick.after(a.kit, a.settings.SyncAgentInfo, c.Self(), &agentInfoTick{})
}

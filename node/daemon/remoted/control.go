package remoted

import (
	"bytes"

	"github.com/clusterd/clusterd/messages"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// Status codes remoted records (agent §5).
const (
	codeInvalidVersion = 1
	codeNoVersion      = 2
	codeShutdown       = 3
)

// handleControl handles a "#!-" message on the connection goroutine: the ack
// goes out at once; the database work is queued for the status worker.
func (s *Server) handleControl(a *agent, k *agentKey, src source, method agentproto.Method, msg []byte) {
	switch {
	case bytes.HasPrefix(msg, []byte(agentproto.StartupPrefix)):
		a.setReplyChannel(src)
		s.handleStartup(a, k, src, method, msg)
	case string(msg) == agentproto.ShutdownMessage:
		a.setReplyChannel(src)
		s.status.push(a, controlItem{kind: ctlShutdown})
		s.archiveLine(nil, agentproto.Event{
			Queue:    '1',
			Location: "wazuh-remoted",
			Log:      "ossec: Agent stopped: '" + k.name + "->" + k.ip + "'.",
		}.ForAnalysis(k.idStr, k.name, k.ip))
	case bytes.HasPrefix(msg, []byte(agentproto.RequestPrefix)):
		// Answers to remote requests: nothing asks agents anything here.
		s.log.Debugf("agent %s: request answer ignored", k.idStr)
	case bytes.IndexByte(msg, '\n') >= 0:
		a.setReplyChannel(src)
		s.reply(src, k, method, []byte(agentproto.AckMessage))
		s.totals.keepalives.Add(1)
		s.status.push(a, controlItem{kind: ctlKeepalive, msg: bytes.Clone(msg)})
	default:
		s.limited.warn("invalid-control", "Invalid message from agent %s (%s)", k.idStr, k.name)
	}
}

// handleStartup checks the agent's version (agent §3.2): refused → "#!-err"
// and a status code; accepted (or no JSON at all) → ack, then "pending".
func (s *Server) handleStartup(a *agent, k *agentKey, src source, method agentproto.Method, msg []byte) {
	version, hasJSON, err := agentproto.ParseStartup(msg)
	switch {
	case hasJSON && err != nil:
		s.log.Warnf("agent %s (%s): startup without a version; refused", k.idStr, k.name)
		s.reply(src, k, method, agentproto.ErrMessage(agentproto.NoVersionText))
		s.status.push(a, controlItem{kind: ctlRefused, code: codeNoVersion})
	case hasJSON && !versionAllowed(version, s.cfg.ManagerVersion, s.cfg.AllowHigherVersions):
		s.log.Warnf("agent %s (%s): version %s is higher than the manager's %s; refused", k.idStr, k.name, messages.ClipForLog(version), s.cfg.ManagerVersion)
		s.reply(src, k, method, agentproto.ErrMessage(agentproto.VersionTooHighText))
		s.status.push(a, controlItem{kind: ctlRefused, code: codeInvalidVersion, version: "Wazuh " + version})
	default:
		s.reply(src, k, method, []byte(agentproto.AckMessage))
		s.totals.startups.Add(1)
		s.status.push(a, controlItem{kind: ctlStartup})
	}
}

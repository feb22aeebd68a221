package remoted

import (
	"bytes"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// record writes one control message to the Store (agent §3.6) and, for a
// keepalive, pushes merged.mg when the agent's copy is stale (agent §3.8).
func (s *Server) record(a *agent, it controlItem) {
	k := a.key.Load()
	now := s.cfg.Now().Unix()
	var err error
	switch it.kind {
	case ctlStartup:
		err = s.st.RecordStartup(s.ctx, k.id, s.syncStatus(syncReqStatus))
		a.ws.afterStartup = true
	case ctlRefused:
		err = s.st.RecordStatusCode(s.ctx, k.id, it.code, it.version, s.syncStatus(syncReqStatus))
	case ctlShutdown:
		err = s.st.RecordDisconnected(s.ctx, k.id, codeShutdown, s.syncStatus(syncReqStatus), now)
	case ctlKeepalive:
		err = s.recordKeepalive(a, k, it, now)
	}
	if err != nil {
		s.limited.warn("store", "agent %s: record status: %v", k.idStr, err)
	}
}

func (s *Server) recordKeepalive(a *agent, k *agentKey, it controlItem, now int64) error {
	ka, err := agentproto.ParseKeepalive(it.msg)
	if err != nil {
		s.limited.warn("keepalive", "agent %s (%s): %v", k.idStr, k.name, err)
		return nil
	}
	first := it.afterStartup || a.ws.afterStartup || a.ws.prev == nil
	sh, err := s.sharedState(a, k, ka)
	if err != nil {
		s.limited.warn("shared", "agent %s: %v", k.idStr, err)
	}
	if !first && bytes.Equal(a.ws.prev, it.msg) {
		err = s.st.RecordKeepaliveOnly(s.ctx, k.id, s.syncStatus(syncReqKeepalive), now)
	} else {
		sync := syncReqKeepalive
		if first || ka.MergedSum != a.ws.prevMerged {
			sync = syncReq
		}
		err = s.st.RecordKeepalive(s.ctx, k.id, s.keepaliveData(ka, sh.needPush || sh.assigning), s.syncStatus(sync), now)
	}
	if err != nil {
		return err
	}
	a.ws.afterStartup = false
	a.ws.prev = it.msg
	a.ws.prevMerged = ka.MergedSum
	if sh.needPush {
		s.pushShared(a, k, sh)
	}
	return nil
}

// keepaliveData is what a keepalive stores, with the system labels remoted
// appends.
func (s *Server) keepaliveData(ka agentproto.Keepalive, needPush bool) KeepaliveData {
	labels := make([]agentproto.Label, 0, len(ka.Labels)+4)
	labels = append(labels, ka.Labels...)
	labels = append(labels, agentproto.Label{Key: "_manager_hostname", Value: s.managerHost, System: true})
	if ka.AgentIP != "" {
		labels = append(labels, agentproto.Label{Key: "_agent_ip", Value: ka.AgentIP, System: true})
	}
	labels = append(labels,
		agentproto.Label{Key: "_node_name", Value: s.cfg.NodeName, System: true},
		agentproto.Label{Key: "_wazuh_version", Value: ka.Version, System: true})
	gcs := groupConfigSynced
	if needPush {
		gcs = groupConfigUnsynced
	}
	return KeepaliveData{
		Version:           ka.Version,
		ConfigSum:         ka.ConfigSum,
		MergedSum:         ka.MergedSum,
		ManagerHost:       s.managerHost,
		NodeName:          s.cfg.NodeName,
		AgentIP:           ka.AgentIP,
		Labels:            labels,
		OS:                ka.OS,
		GroupConfigStatus: gcs,
	}
}

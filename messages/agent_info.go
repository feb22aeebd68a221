package messages

import "strconv"

// The worker → master agent-info document (§6.1):
// {"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {"syncreq": [...],
// "syncreq_keepalive": [...], "syncreq_status": [...]}}, where chunks is what wazuh-db's
// GET /v1/agents/sync answered. The types mirror the store's AgentInfoBatch field for field.

// AgentInfoItem is a "syncreq" item: everything a keepalive told about the agent.
type AgentInfoItem struct {
	ID                                                                                    int
	Name, IP                                                                              string
	OSName, OSVersion, OSMajor, OSMinor, OSCodename, OSBuild, OSPlatform, OSUname, OSArch string
	Version, ConfigSum, MergedSum, ManagerHost, NodeName                                  string
	LastKeepalive                                                                         int64
	ConnectionStatus                                                                      string
	DisconnectionTime                                                                     int64
	GroupConfigStatus                                                                     string
	StatusCode                                                                            int
	Labels                                                                                []AgentLabel
}

// AgentLabel is one agent label.
type AgentLabel struct{ Key, Value string }

// AgentKeepaliveItem is a "syncreq_keepalive" item: the agent is alive.
type AgentKeepaliveItem struct {
	ID      int
	Version string
}

// AgentStatusItem is a "syncreq_status" item: the agent's connection changed.
type AgentStatusItem struct {
	ID                int
	Version           string
	ConnectionStatus  string
	DisconnectionTime int64
	StatusCode        int
}

// AgentInfoChunks is the chunks object. A nil list is a key the document does not have; a
// parsed document gives a non-nil (possibly empty) list for every key it has.
type AgentInfoChunks struct {
	Syncreq   []AgentInfoItem
	Keepalive []AgentKeepaliveItem
	Status    []AgentStatusItem
}

// Keys of the chunks object.
const (
	agentInfoSyncreqKey   = "syncreq"
	agentInfoKeepaliveKey = "syncreq_keepalive"
	agentInfoStatusKey    = "syncreq_status"
)

// Empty reports chunks with no item at all: the worker then skips the synchronisation.
func (c AgentInfoChunks) Empty() bool {
	return len(c.Syncreq) == 0 && len(c.Keepalive) == 0 && len(c.Status) == 0
}

// Count is the number of keys the chunks object has, what the master reports as
// "updated_chunks" (Wazuh counts the keys of the dict, not agents).
func (c AgentInfoChunks) Count() int {
	n := 0
	for _, present := range []bool{c.Syncreq != nil, c.Keepalive != nil, c.Status != nil} {
		if present {
			n++
		}
	}
	return n
}

// EncodeAgentInfoSync writes the worker's document as json.dumps does (separators ", " and
// ": ", non-ASCII escaped). Values are written as wazuh-db serialises them: a string that is
// empty or a single space is left out, integers are always written (wazuh-db leaves out only its
// "unset" marker, which a stored row never has), labels only when there are some, and a list
// only when it has items.
func EncodeAgentInfoSync(c AgentInfoChunks) []byte {
	b := make([]byte, 0, 96+len(c.Syncreq)*640+len(c.Keepalive)*40+len(c.Status)*120)
	b = append(b, `{"set_data_command": `...)
	b = appendPyString(b, SyncAgentInfoSetCommand)
	b = append(b, `, "payload": {}, "chunks": {`...)
	w := memberWriter{b: b}
	if len(c.Syncreq) > 0 {
		w.key(agentInfoSyncreqKey)
		w.b = appendPyList(w.b, len(c.Syncreq), func(b []byte, i int) []byte { return appendAgentInfoItem(b, &c.Syncreq[i]) })
	}
	if len(c.Keepalive) > 0 {
		w.key(agentInfoKeepaliveKey)
		w.b = appendPyList(w.b, len(c.Keepalive), func(b []byte, i int) []byte {
			k := &c.Keepalive[i]
			item := memberWriter{b: append(b, '{')}
			item.int("id", int64(k.ID))
			item.str("version", k.Version)
			return append(item.b, '}')
		})
	}
	if len(c.Status) > 0 {
		w.key(agentInfoStatusKey)
		w.b = appendPyList(w.b, len(c.Status), func(b []byte, i int) []byte { return appendAgentStatusItem(b, &c.Status[i]) })
	}
	return append(w.b, "}}"...)
}

func appendAgentInfoItem(b []byte, a *AgentInfoItem) []byte {
	w := memberWriter{b: append(b, '{')}
	w.int("id", int64(a.ID))
	w.str("name", a.Name)
	w.str("ip", a.IP)
	w.str("os_name", a.OSName)
	w.str("os_version", a.OSVersion)
	w.str("os_major", a.OSMajor)
	w.str("os_minor", a.OSMinor)
	w.str("os_codename", a.OSCodename)
	w.str("os_build", a.OSBuild)
	w.str("os_platform", a.OSPlatform)
	w.str("os_uname", a.OSUname)
	w.str("os_arch", a.OSArch)
	w.str("version", a.Version)
	w.str("config_sum", a.ConfigSum)
	w.str("merged_sum", a.MergedSum)
	w.str("manager_host", a.ManagerHost)
	w.str("node_name", a.NodeName)
	w.int("last_keepalive", a.LastKeepalive)
	w.str("connection_status", a.ConnectionStatus)
	w.int("disconnection_time", a.DisconnectionTime)
	w.str("group_config_status", a.GroupConfigStatus)
	w.int("status_code", int64(a.StatusCode))
	if len(a.Labels) > 0 {
		w.key("labels")
		w.b = appendPyList(w.b, len(a.Labels), func(b []byte, i int) []byte {
			b = append(b, `{"key": `...)
			b = appendPyString(b, a.Labels[i].Key)
			b = append(b, `, "value": `...)
			b = appendPyString(b, a.Labels[i].Value)
			return append(b, '}')
		})
	}
	return append(w.b, '}')
}

func appendAgentStatusItem(b []byte, st *AgentStatusItem) []byte {
	w := memberWriter{b: append(b, '{')}
	w.int("id", int64(st.ID))
	w.str("version", st.Version)
	w.str("connection_status", st.ConnectionStatus)
	w.int("disconnection_time", st.DisconnectionTime)
	w.int("status_code", int64(st.StatusCode))
	return append(w.b, '}')
}

// memberWriter appends the members of one JSON object in Python's spacing.
type memberWriter struct {
	b     []byte
	count int
}

func (w *memberWriter) key(k string) {
	if w.count > 0 {
		w.b = append(w.b, ", "...)
	}
	w.count++
	w.b = appendPyString(w.b, k)
	w.b = append(w.b, ": "...)
}

// str writes a string member unless wazuh-db would leave it out (empty or a single space).
func (w *memberWriter) str(k, v string) {
	if v == "" || v == " " {
		return
	}
	w.key(k)
	w.b = appendPyString(w.b, v)
}

func (w *memberWriter) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

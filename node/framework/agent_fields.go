package framework

import (
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// agentField is one entry of Agent.fields (framework/wazuh/core/agent.py): the name the API
// uses and the SQL expression over the agent table behind it.
type agentField struct {
	name string
	expr string
}

// agentFields is Agent.fields in its order, which is also the order clusterd writes an
// agent's keys in (Wazuh's follow the iteration order of a Python set, which varies from
// process to process).
var agentFields = []agentField{
	{"id", "id"}, {"name", "name"}, {"ip", "coalesce(ip,register_ip)"}, {"status", "connection_status"},
	{"os.name", "os_name"}, {"os.version", "os_version"}, {"os.platform", "os_platform"},
	{"version", "version"}, {"manager", "manager_host"}, {"dateAdd", "date_add"},
	{"group", "`group`"}, {"mergedSum", "merged_sum"}, {"configSum", "config_sum"},
	{"os.codename", "os_codename"}, {"os.major", "os_major"}, {"os.minor", "os_minor"},
	{"os.uname", "os_uname"}, {"os.arch", "os_arch"}, {"os.build", "os_build"},
	{"node_name", "node_name"}, {"lastKeepAlive", "last_keepalive"}, {"internal_key", "internal_key"},
	{"registerIP", "register_ip"}, {"disconnection_time", "disconnection_time"},
	{"group_config_status", "group_config_status"}, {"status_code", "status_code"},
}

// fieldTable is a query's fields: Agent.fields, plus "count" once a group-by query counts.
type fieldTable struct {
	list  []agentField
	index map[string]int
}

func newAgentFieldTable() *fieldTable {
	t := &fieldTable{index: map[string]int{}}
	for _, f := range agentFields {
		t.add(f)
	}
	return t
}

func (t *fieldTable) add(f agentField) {
	if i, ok := t.index[f.name]; ok {
		t.list[i] = f
		return
	}
	t.index[f.name] = len(t.list)
	t.list = append(t.list, f)
}

func (t *fieldTable) expr(name string) (string, bool) {
	i, ok := t.index[name]
	if !ok {
		return "", false
	}
	return t.list[i].expr, true
}

// allowed lists the field names without the extra ones, sorted as Python's sorted() does.
func (t *fieldTable) allowed(extra map[string]bool) []string {
	out := make([]string, 0, len(t.list))
	for _, f := range t.list {
		if !extra[f.name] {
			out = append(out, f.name)
		}
	}
	sortStrings(out)
	return out
}

// Agent fields whose values the framework reformats (format_fields).
var dateAgentFields = map[string]bool{"dateAdd": true, "lastKeepAlive": true, "disconnection_time": true}

// formatAgentValue is format_fields: ids zero-padded to three digits, groups split into a
// list, timestamps turned into UTC datetimes; anything else as the database gave it.
func formatAgentValue(field string, v any) any {
	switch {
	case field == "id":
		return zfill3(pyText(v))
	case field == "group":
		if s, ok := v.(string); ok {
			return stringsToAny(strings.Split(s, ","))
		}
	case dateAgentFields[field]:
		if n, ok := v.(int64); ok {
			return time.Unix(n, 0).UTC()
		}
	}
	return v
}

// zfill3 is str.zfill(3).
func zfill3(s string) string {
	if len(s) >= 3 {
		return s
	}
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	return sign + strings.Repeat("0", 3-len(sign)-len(s)) + s
}

// pyText is str() of a database value.
func pyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return messages.PyFloatRepr(x)
	case nil:
		return "None"
	}
	return messages.PyStr(v)
}

func stringsToAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

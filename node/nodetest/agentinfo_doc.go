package nodetest

import "strconv"

// FewFieldsAgentInfo is an agent-info document of n syncreq rows with ids from first on, each
// with a few fields (about 226 bytes an agent: a million agents come just under the 256 MiB a
// string may have).
func FewFieldsAgentInfo(n, first int) []byte {
	b := make([]byte, 0, 128+n*232)
	b = append(b, `{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {"syncreq": [`...)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		id := strconv.Itoa(first + i)
		b = append(b, `{"id": `...)
		b = append(b, id...)
		b = append(b, `, "name": "agent`...)
		b = append(b, id...)
		b = append(b, `", "ip": "10.1.2.3", "os_name": "Debian GNU/Linux", `+
			`"version": "Wazuh v4.14.7", "node_name": "bigworker", "last_keepalive": 1700000000, `+
			`"connection_status": "active", "status_code": 0}`...)
	}
	return append(b, "]}}"...)
}

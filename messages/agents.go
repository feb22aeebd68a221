package messages

// AgentOverview is one row of cluster_control -a: the fields Wazuh's get_agents_overview
// selects (id, ip, name, status, node_name, version). Empty fields print as "unknown".
type AgentOverview struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IP       string `json:"ip"`
	Status   string `json:"status"`
	Version  string `json:"version,omitempty"`
	NodeName string `json:"node_name,omitempty"`
}

// AgentsQuery filters cluster_control -a: statuses and node names, empty meaning all.
type AgentsQuery struct {
	Status []string `json:"status,omitempty"`
	Nodes  []string `json:"node_name,omitempty"`
}

// FilterAgents keeps the rows matching q (statuses and node names compared as Wazuh does,
// exactly; "all" matches everything).
func FilterAgents(rows []AgentOverview, q AgentsQuery) []AgentOverview {
	keep := func(value string, wanted []string) bool {
		if len(wanted) == 0 {
			return true
		}
		for _, w := range wanted {
			if w == "all" || w == value {
				return true
			}
		}
		return false
	}
	out := rows[:0:0]
	for _, r := range rows {
		if keep(r.Status, q.Status) && keep(r.NodeName, q.Nodes) {
			out = append(out, r)
		}
	}
	return out
}

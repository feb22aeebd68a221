package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

func init() {
	register("wazuh.agent", "get_agents_summary", native{run: getAgentsSummary, needsStore: true})
}

// summaryChunk is how many agent ids one statement of the summary names: the counts of
// disjoint chunks add up, and a statement stays far below wazuh-db's 64 KiB request.
const summaryChunk = 500

// getAgentsSummary is GET /agents/summary: the agents the caller may read (000 left out) by
// connection status, OS platform and group, as wazuh-db's POST /v1/agents/summary counts them
// for the list the framework sends (framework/wazuh/agent.py get_agents_summary,
// AgentsSummary.to_dict). wazuh-db writes each count object with its keys sorted.
func getAgentsSummary(c *call) (dapi.Result, error) {
	if _, err := c.gate(agentReadGate); err != nil {
		return nil, err
	}
	if err := c.bind("get_agents_summary", "agent_list"); err != nil {
		return nil, err
	}
	agents, err := c.listArg("agent_list")
	if err != nil {
		return nil, err
	}
	ids, err := c.summaryIDs(agents)
	if err != nil {
		return nil, err
	}
	byStatus, byOS, byGroup := map[string]int{}, map[string]int{}, map[string]int{}
	for _, q := range []struct {
		statement string
		into      map[string]int
	}{
		{"SELECT connection_status, COUNT(*) FROM agent WHERE id > 0%s GROUP BY connection_status", byStatus},
		{"SELECT os_platform, COUNT(*) FROM agent WHERE id > 0 AND os_platform IS NOT NULL AND os_platform <> ''%s " +
			"GROUP BY os_platform", byOS},
		{"SELECT g.name, COUNT(*) FROM belongs b JOIN `group` g ON b.id_group = g.id WHERE b.id_agent > 0 AND " +
			"g.name IS NOT NULL AND g.name <> ''%s GROUP BY g.name", byGroup},
	} {
		column := "id"
		if strings.Contains(q.statement, "belongs") {
			column = "b.id_agent"
		}
		if err := c.n.db.countIn(c.ctx, q.statement, column, ids, q.into); err != nil {
			return nil, err
		}
	}
	status := messages.Object{}
	for _, s := range []string{"active", "disconnected", "never_connected", "pending"} {
		status = append(status, messages.Member{Key: s, Value: byStatus[s]})
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "data", Value: messages.Object{
		{Key: "status", Value: status}, {Key: "os", Value: messages.SortedObject(byOS)}, {Key: "groups", Value: messages.SortedObject(byGroup)},
	}}}), nil
}

// summaryIDs are the numeric ids to count, nil for every agent (the caller may read them all).
func (c *call) summaryIDs(agents []string) ([]int64, error) {
	all, err := c.allAgents()
	if err != nil {
		return nil, err
	}
	var ids []int64
	seen := make(map[int]bool, len(agents))
	for _, id := range agents {
		if n, ok := agentNumber(id); ok && n > 0 && all.set.has(id) && !seen[n] {
			seen[n] = true
			ids = append(ids, int64(n))
		}
	}
	if len(ids) == len(all.ids)-1 { // every agent but 000
		return nil, nil
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}

// countIn runs statement (with one %s where the id condition goes) for ids, in chunks, and
// adds each group's count into into; nil ids count every agent, an empty list none.
func (db *agentDB) countIn(ctx context.Context, statement, column string, ids []int64, into map[string]int) error {
	add := func(cond string, args []any) error {
		err := db.store.SelectGlobal(ctx, fmt.Sprintf(statement, cond), args, func(v []any) error {
			n, _ := v[1].(int64)
			into[pyText(v[0])] += int(n)
			return nil
		})
		if err != nil {
			return messages.ErrWazuhDBRequest.With(err.Error())
		}
		return nil
	}
	if ids == nil {
		return add("", nil)
	}
	for start := 0; start < len(ids); start += summaryChunk {
		chunk := ids[start:min(start+summaryChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if err := add(" AND "+column+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+")", args); err != nil {
			return err
		}
	}
	return nil
}

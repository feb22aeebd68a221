package wdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

// AgentRow is an agent as cluster_control -a lists it: the columns Wazuh's get_agents_overview
// selects for it (status is the connection_status column). A NULL column is empty.
type AgentRow struct {
	ID               int    `json:"id"`
	Name             string `json:"name"`
	IP               string `json:"ip"`
	ConnectionStatus string `json:"connection_status"`
	Version          string `json:"version"`
	NodeName         string `json:"node_name"`
}

// Agents pages, the way Wazuh's framework sizes its `global sql` pages (halving a page that
// does not fit wazuh-db's answer, doubling one that used less than half of it).
const (
	firstAgentsPage = 256
	maxAgentsPage   = 4096
)

// Agents lists every agent, the manager (000) included, by id, with `global sql` pages on one
// connection: each page starts after the last id of the one before. At most maxAgents are
// collected (DefaultMaxAgents when 0).
func (c *Client) Agents(ctx context.Context, maxAgents int) ([]AgentRow, error) {
	if maxAgents <= 0 {
		maxAgents = DefaultMaxAgents
	}
	conn, err := c.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var out []AgentRow
	last, size := -1, firstAgentsPage
	for {
		payload, err := conn.SQL(ctx, fmt.Sprintf(
			"SELECT id, name, ip, connection_status, version, node_name FROM agent WHERE id > %d ORDER BY id LIMIT %d", last, size))
		if errors.Is(err, ErrTruncated) && size > 1 {
			size /= 2
			continue
		}
		if err != nil {
			return nil, err
		}
		var page []AgentRow
		if err := decodeRows(payload, &page); err != nil {
			return nil, err
		}
		if len(page) > size {
			return nil, raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("%d rows for a page of %d", len(page), size), ErrMalformed)
		}
		for _, a := range page {
			if a.ID <= last {
				return nil, raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("agent %d after agent %d", a.ID, last), ErrNoProgress)
			}
			last = a.ID
		}
		if len(out)+len(page) > maxAgents {
			return nil, raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("more than %d agents", maxAgents), ErrTooLarge)
		}
		out = append(out, page...)
		if len(page) < size {
			return out, nil
		}
		if 2*len(payload) < MaxResponseSize {
			size = min(2*size, maxAgentsPage)
		}
	}
}

// ActiveAgentsByNode counts the active agents reporting to each node, the manager (000) left
// out, as the master's health report counts them (get_agents_overview with status active, the
// node's name and id!=000).
func (c *Client) ActiveAgentsByNode(ctx context.Context) (map[string]int, error) {
	conn, err := c.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	payload, err := conn.SQL(ctx, "SELECT node_name, COUNT(*) AS active FROM agent "+
		"WHERE id != 0 AND connection_status = 'active' GROUP BY node_name")
	if err != nil {
		return nil, err
	}
	var rows []struct {
		NodeName *string `json:"node_name"`
		Active   int     `json:"active"`
	}
	if err := decodeRows(payload, &rows); err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		if r.NodeName != nil { // agents of no node count for none
			counts[*r.NodeName] += r.Active
		}
	}
	return counts, nil
}

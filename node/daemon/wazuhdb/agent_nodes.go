package wazuhdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// AgentNode is an agent and the node it reports to ("" when the row has none).
type AgentNode struct {
	ID   int
	Node string
}

// agentNodesChunk bounds the ids of one query (SQLite binds at most 32,766 parameters).
const agentNodesChunk = 500

// AgentNodes returns, by id, where the agents report (the manager's row aside): those with one
// of ids, or those reporting to one of nodes, or every agent when both are nil. It reads two
// columns, for the routing of Distributed API requests by agent (get_solver_node).
func (s *Store) AgentNodes(ctx context.Context, ids []int, nodes []string) ([]AgentNode, error) {
	const query = `SELECT id, IFNULL(node_name, '') FROM agent WHERE id > 0`
	var where []string
	var args []any
	if nodes != nil {
		where = append(where, " AND IFNULL(node_name, '') IN ("+placeholders(len(nodes))+")")
		for _, n := range nodes {
			args = append(args, n)
		}
	}
	if ids == nil {
		return s.agentNodes(ctx, query+strings.Join(where, "")+" ORDER BY id", args)
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var out []AgentNode
	for start := 0; start < len(sorted); start += agentNodesChunk {
		chunk := sorted[start:min(start+agentNodesChunk, len(sorted))]
		chunkArgs := slices.Clone(args)
		for _, id := range chunk {
			chunkArgs = append(chunkArgs, id)
		}
		q := query + strings.Join(where, "") + " AND id IN (" + placeholders(len(chunk)) + ") ORDER BY id"
		rows, err := s.agentNodes(ctx, q, chunkArgs)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func (s *Store) agentNodes(ctx context.Context, query string, args []any) ([]AgentNode, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("locate agents: %w", err)
	}
	defer rows.Close()
	var out []AgentNode
	for rows.Next() {
		var a AgentNode
		if err := rows.Scan(&a.ID, &a.Node); err != nil {
			return nil, fmt.Errorf("locate agents: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("locate agents: %w", err)
	}
	return out, nil
}

// placeholders is "?, ?, ..." for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

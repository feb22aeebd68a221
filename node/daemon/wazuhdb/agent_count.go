package wazuhdb

import (
	"context"
	"fmt"
)

// CountAgentsByStatus returns how many agents (the manager's row aside) have each connection
// status; statuses no agent has are absent.
func (s *Store) CountAgentsByStatus(ctx context.Context) (map[string]int, error) {
	return s.countBy(ctx, "count agents",
		`SELECT connection_status, COUNT(*) FROM agent WHERE id > 0 GROUP BY connection_status`)
}

// CountActiveByNode returns how many agents (the manager's row aside) are active on each node,
// by node_name.
func (s *Store) CountActiveByNode(ctx context.Context) (map[string]int, error) {
	return s.countBy(ctx, "count active agents", `SELECT IFNULL(node_name, ''), COUNT(*) FROM agent
		WHERE id > 0 AND connection_status = 'active' GROUP BY 1`)
}

// countBy runs a query of (key, count) rows into a map.
func (s *Store) countBy(ctx context.Context, op, query string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		counts[key] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return counts, nil
}

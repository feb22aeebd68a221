package store

import (
	"context"
	"fmt"
)

// CountAgentsByStatus returns how many agents (the manager's row aside) have each connection
// status; statuses no agent has are absent.
func (s *Store) CountAgentsByStatus(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT connection_status, COUNT(*) FROM agent WHERE id > 0 GROUP BY connection_status`)
	if err != nil {
		return nil, fmt.Errorf("count agents: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("count agents: %w", err)
		}
		counts[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count agents: %w", err)
	}
	return counts, nil
}

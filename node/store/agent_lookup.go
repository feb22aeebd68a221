package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AgentGroupNames returns the agent's groups in priority order, and false when there is no
// such agent. It reads one column, where Agent reads the whole row and its labels: remoted
// asks on every keepalive.
func (s *Store) AgentGroupNames(ctx context.Context, id int) ([]string, bool, error) {
	var csv sql.NullString
	err := s.db.QueryRowContext(ctx, "SELECT `group` FROM agent WHERE id = ?", id).Scan(&csv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read groups of agent %03d: %w", id, err)
	}
	return splitGroups(csv.String), true, nil
}

// CountActiveByNode returns how many agents (the manager's row aside) are active on each node,
// by node_name.
func (s *Store) CountActiveByNode(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT IFNULL(node_name, ''), COUNT(*) FROM agent
		WHERE id > 0 AND connection_status = 'active' GROUP BY 1`)
	if err != nil {
		return nil, fmt.Errorf("count active agents: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var node string
		var n int
		if err := rows.Scan(&node, &n); err != nil {
			return nil, fmt.Errorf("count active agents: %w", err)
		}
		counts[node] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count active agents: %w", err)
	}
	return counts, nil
}

package wazuhdb

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

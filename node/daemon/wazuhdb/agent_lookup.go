package wazuhdb

import (
	"context"
	"database/sql"
	"encoding/json"
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

const groupNamesOfSQL = "SELECT id, `group` FROM agent WHERE id IN (SELECT value FROM json_each(?))"

// GroupNamesOf returns the groups, in priority order, of each listed agent that exists (an
// agent without groups maps to nil), in one query: the master looks up every agent of a batch
// of default-group requests, before and after assigning them, and one query per agent cost
// more than the assignment itself.
func (s *Store) GroupNamesOf(ctx context.Context, ids []int) (map[int][]string, error) {
	out := make(map[int][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("read groups of %d agents: %w", len(ids), err)
	}
	rows, err := s.queryCached(ctx, groupNamesOfSQL, string(list))
	if err != nil {
		return nil, fmt.Errorf("read groups of %d agents: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  int
			csv sql.NullString
		)
		if err := rows.Scan(&id, &csv); err != nil {
			return nil, fmt.Errorf("read groups of %d agents: %w", len(ids), err)
		}
		out[id] = splitGroups(csv.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read groups of %d agents: %w", len(ids), err)
	}
	return out, nil
}

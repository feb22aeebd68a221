package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// defaultPageLimit is the number of agents of a page when GroupsQuery.Limit is unset.
const defaultPageLimit = 1000

// GroupsQuery is the JSON of "global sync-agent-groups-get".
type GroupsQuery struct {
	Condition     string // "sync_status" (group_sync_status = 'syncreq'), "all", or "" (no agents, hash only)
	LastID        int    // pivot: agents with a greater id
	SetSynced     bool   // mark the returned agents group_sync_status = 'synced'
	GetGlobalHash bool   // add the global group hash to the last page
	Limit         int    // agents per page; 0 = 1000
}

// GroupsPage is one answer of sync-agent-groups-get.
type GroupsPage struct {
	Data    []AgentGroups
	Hash    string
	HasHash bool // false: no hash requested, not the last page, or no agent has a group hash (Wazuh's null)
}

// AgentGroupsPage returns, by id, up to Limit agents with id > LastID (only
// group_sync_status = 'syncreq' ones for "sync_status") with their groups;
// more reports that another page follows (wazuh-db's "due"). With SetSynced
// the returned agents are marked synced in the same transaction. The global
// hash is computed only for the last page, when GetGlobalHash. An empty
// Condition returns no agents, only the hash when asked (the worker's
// checksum query).
func (s *Store) AgentGroupsPage(ctx context.Context, q GroupsQuery) (page GroupsPage, more bool, err error) {
	var filter string
	switch q.Condition {
	case "sync_status":
		filter = " AND group_sync_status = 'syncreq'"
	case "all", "":
	default:
		return GroupsPage{}, false, fmt.Errorf("agent groups page: %w: condition %q", ErrInvalidArgument, q.Condition)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPageLimit
	}
	page.Data = []AgentGroups{}
	run := s.read
	if q.SetSynced {
		run = s.write
	}
	err = run(ctx, "agent groups page", func(tx *sql.Tx) error {
		if q.Condition != "" {
			var err error
			page.Data, more, err = groupsPage(ctx, tx, filter, q.LastID, limit)
			if err != nil {
				return err
			}
			if q.SetSynced && len(page.Data) > 0 {
				_, err := tx.ExecContext(ctx, "UPDATE agent SET group_sync_status = 'synced' WHERE id > ? AND id <= ?"+filter,
					q.LastID, page.Data[len(page.Data)-1].ID)
				if err != nil {
					return fmt.Errorf("mark synced: %w", err)
				}
			}
		}
		if q.GetGlobalHash && !more {
			var err error
			page.Hash, page.HasHash, err = globalGroupHash(ctx, tx)
			return err
		}
		return nil
	})
	if err != nil {
		return GroupsPage{}, false, err
	}
	return page, more, nil
}

func groupsPage(ctx context.Context, tx *sql.Tx, filter string, lastID, limit int) ([]AgentGroups, bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, name, `group` FROM agent WHERE id > ?"+filter+" ORDER BY id LIMIT ?",
		lastID, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("read agents: %w", err)
	}
	defer rows.Close()
	data := make([]AgentGroups, 0, min(limit, 1024))
	more := false
	for rows.Next() {
		if len(data) == limit {
			more = true
			break
		}
		var (
			ag  AgentGroups
			csv sql.NullString
		)
		if err := rows.Scan(&ag.ID, &ag.Name, &csv); err != nil {
			return nil, false, fmt.Errorf("read agents: %w", err)
		}
		ag.Groups = splitGroups(csv.String)
		if ag.Groups == nil {
			ag.Groups = []string{}
		}
		data = append(data, ag)
	}
	return data, more, rows.Err()
}

// GlobalGroupHash is wazuh-db's global group hash (see GlobalHash); false
// when no agent has a group hash, where Wazuh answers null.
func (s *Store) GlobalGroupHash(ctx context.Context) (string, bool, error) {
	var (
		hash string
		ok   bool
	)
	err := s.read(ctx, "global group hash", func(tx *sql.Tx) error {
		var err error
		hash, ok, err = globalGroupHash(ctx, tx)
		return err
	})
	return hash, ok, err
}

func globalGroupHash(ctx context.Context, q queryer) (string, bool, error) {
	// One row holding every hash in id order, read from the index of the group hashes: row by
	// row, the scan cost twice as much as the SQL that reads it.
	var all sql.NullString
	err := q.QueryRowContext(ctx, `SELECT group_concat(h, '') FROM (SELECT group_hash AS h
		FROM agent INDEXED BY agent_group_hash WHERE id > 0 AND group_hash IS NOT NULL ORDER BY id)`).Scan(&all)
	if err != nil {
		return "", false, fmt.Errorf("read group hashes: %w", err)
	}
	if !all.Valid {
		return "", false, nil
	}
	return GlobalHash([]string{all.String}), true, nil
}

// RecalculateGroupHashes is "global recalculate-agent-group-hashes": every
// agent's `group` and group_hash are rebuilt from its memberships where they
// differ; group_sync_status is left alone.
func (s *Store) RecalculateGroupHashes(ctx context.Context) error {
	return s.write(ctx, "recalculate group hashes", func(tx *sql.Tx) error {
		memberships, err := allMemberships(ctx, tx)
		if err != nil {
			return err
		}
		type stored struct {
			id        int
			csv, hash string
		}
		var agents []stored
		rows, err := tx.QueryContext(ctx, "SELECT id, COALESCE(`group`, ''), COALESCE(group_hash, '') FROM agent ORDER BY id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var a stored
			if err := rows.Scan(&a.id, &a.csv, &a.hash); err != nil {
				rows.Close()
				return err
			}
			agents = append(agents, a)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		update, err := tx.PrepareContext(ctx, "UPDATE agent SET `group` = ?, group_hash = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer update.Close()
		for _, a := range agents {
			groups := memberships[a.id]
			if strings.Join(groups, ",") == a.csv && GroupHash(groups) == a.hash {
				continue
			}
			csv, hash := groupColumns(groups)
			if _, err := update.ExecContext(ctx, csv, hash, a.id); err != nil {
				return fmt.Errorf("update agent %03d: %w", a.id, err)
			}
		}
		return nil
	})
}

func allMemberships(ctx context.Context, tx *sql.Tx) (map[int][]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT b.id_agent, g.name FROM belongs b JOIN `group` g ON g.id = b.id_group "+
		"ORDER BY b.id_agent, b.priority")
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	defer rows.Close()
	m := make(map[int][]string)
	for rows.Next() {
		var (
			id   int
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read memberships: %w", err)
		}
		m[id] = append(m[id], name)
	}
	return m, rows.Err()
}

// ChangedGroups counts the agents whose groups await a broadcast
// (group_sync_status = 'syncreq').
func (s *Store) ChangedGroups(ctx context.Context) (int, error) {
	if s.closed.Load() {
		return 0, fmt.Errorf("changed groups: %w", ErrClosed)
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM agent WHERE group_sync_status = 'syncreq'`).Scan(&n)
	if err != nil {
		return 0, s.wrap("changed groups", err)
	}
	return n, nil
}

package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// maxGroupName is Wazuh's MAX_GROUP_NAME.
const maxGroupName = 255

// maxGroupsPerAgent is Wazuh's MAX_GROUPS_PER_MULTIGROUP.
const maxGroupsPerAgent = 128

// defaultGroup is where wazuh-db puts an agent whose last group was removed.
const defaultGroup = "default"

// GroupCount is a group and how many agents belong to it.
type GroupCount struct {
	Name   string
	Agents int
}

// validateGroupName applies wdb_global_validate_group_name: letters, digits,
// '_', '.', '-', not "." or "..", at most 255 characters. The name is also a
// folder under etc/shared, hence the strictness.
func validateGroupName(name string) error {
	if name == "" || len(name) > maxGroupName || name == "." || name == ".." {
		return fmt.Errorf("%w: %q", ErrInvalidGroup, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
		if !ok {
			return fmt.Errorf("%w: %q", ErrInvalidGroup, name)
		}
	}
	return nil
}

func validateGroupList(groups []string) error {
	for _, g := range groups {
		if err := validateGroupName(g); err != nil {
			return err
		}
	}
	if n := len(dedupe(groups)); n > maxGroupsPerAgent {
		return fmt.Errorf("%w: %d groups, at most %d", ErrInvalidGroup, n, maxGroupsPerAgent)
	}
	return nil
}

// dedupe keeps the first occurrence of each name, preserving order.
func dedupe(groups []string) []string {
	out := make([]string, 0, len(groups))
	seen := make(map[string]bool, len(groups))
	for _, g := range groups {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// CreateGroup adds a group; an existing one is left as is.
func (s *Store) CreateGroup(ctx context.Context, name string) error {
	if err := validateGroupName(name); err != nil {
		return fmt.Errorf("create group: %w", err)
	}
	return s.write(ctx, fmt.Sprintf("create group %q", name), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO `group` (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name)
		return err
	})
}

// DeleteGroup removes a group and its memberships; a missing group is not an
// error. Each former member gets its group, group_hash recomputed and
// group_sync_status 'syncreq' (what wazuh-db does on a master, so the change
// reaches the workers); an agent left without groups keeps none.
func (s *Store) DeleteGroup(ctx context.Context, name string) error {
	return s.write(ctx, fmt.Sprintf("delete group %q", name), func(tx *sql.Tx) error {
		var gid int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM `group` WHERE name = ?", name).Scan(&gid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		members, err := groupMembers(ctx, tx, gid)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM `group` WHERE id = ?", gid); err != nil {
			return err
		}
		for _, id := range members {
			groups, err := belongsOf(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := setGroupContext(ctx, tx, id, groups, "syncreq"); err != nil {
				return err
			}
		}
		return nil
	})
}

func groupMembers(ctx context.Context, tx *sql.Tx, gid int64) ([]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id_agent FROM belongs WHERE id_group = ? ORDER BY id_agent`, gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// belongsOf reads an agent's groups from the belongs table, by priority.
func belongsOf(ctx context.Context, q queryer, id int) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT g.name FROM belongs b JOIN `group` g ON g.id = b.id_group "+
		"WHERE b.id_agent = ? ORDER BY b.priority", id)
	if err != nil {
		return nil, fmt.Errorf("read groups of agent %03d: %w", id, err)
	}
	defer rows.Close()
	var groups []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// setGroupContext writes the `group` CSV, group_hash and group_sync_status
// (wdb_global_set_agent_group_context).
func setGroupContext(ctx context.Context, q queryer, id int, groups []string, syncStatus string) error {
	csv, hash := groupColumns(groups)
	_, err := q.ExecContext(ctx, "UPDATE agent SET `group` = ?, group_hash = ?, group_sync_status = ? WHERE id = ?",
		csv, hash, syncStatus, id)
	if err != nil {
		return fmt.Errorf("set groups of agent %03d: %w", id, err)
	}
	return nil
}

// groupColumns returns the `group` and group_hash values: NULL for no groups.
func groupColumns(groups []string) (csv, hash any) {
	if len(groups) == 0 {
		return nil, nil
	}
	return strings.Join(groups, ","), GroupHash(groups)
}

// Groups returns every group with its member count, by name.
func (s *Store) Groups(ctx context.Context) ([]GroupCount, error) {
	var out []GroupCount
	err := s.read(ctx, "list groups", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT g.name, COUNT(b.id_agent) FROM `group` g "+
			"LEFT JOIN belongs b ON b.id_group = g.id GROUP BY g.id ORDER BY g.name")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var gc GroupCount
			if err := rows.Scan(&gc.Name, &gc.Agents); err != nil {
				return err
			}
			out = append(out, gc)
		}
		return rows.Err()
	})
	return out, err
}

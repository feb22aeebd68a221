package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// SetMode is the mode of "global set-agent-groups".
type SetMode string

// The set-agent-groups modes of wazuh-db.
const (
	ModeOverride  SetMode = "override"   // replace the agent's groups
	ModeAppend    SetMode = "append"     // add the missing ones after the current ones
	ModeEmptyOnly SetMode = "empty_only" // set only when the agent has no group
	ModeRemove    SetMode = "remove"     // remove the listed ones
)

// AgentGroups is one element of the "data" of set-agent-groups and of a
// sync-agent-groups-get page.
type AgentGroups struct {
	ID     int      `json:"id"`
	Name   string   `json:"name,omitempty"`
	Groups []string `json:"groups"`
}

// SetAgentGroups applies "global set-agent-groups" in one transaction. Per
// agent: override replaces its groups; append adds the missing ones at the
// end; empty_only sets them only when it has none (otherwise the agent is
// left untouched); remove removes the listed ones and, as wazuh-db does,
// puts an agent left without any group in "default". Then `group` becomes the
// CSV of its groups by priority, group_hash their GroupHash (NULL when none)
// and group_sync_status syncStatus ("synced" when empty). An unknown id is
// skipped, unless Name is set and the mode adds groups: then the agent row is
// created with that name and no key (a worker learning of an agent from the
// master before its client.keys). Groups are created as needed. An invalid
// group name fails the whole call with ErrInvalidGroup.
func (s *Store) SetAgentGroups(ctx context.Context, mode SetMode, syncStatus string, data []AgentGroups) error {
	status, err := groupSyncStatus(syncStatus)
	if err != nil {
		return fmt.Errorf("set agent groups: %w", err)
	}
	switch mode {
	case ModeOverride, ModeAppend, ModeEmptyOnly:
		for _, d := range data {
			if err := validateGroupList(d.Groups); err != nil {
				return fmt.Errorf("set agent groups of %03d: %w", d.ID, err)
			}
		}
	case ModeRemove:
	default:
		return fmt.Errorf("set agent groups: %w: mode %q", ErrInvalidArgument, mode)
	}
	return s.write(ctx, "set agent groups", func(tx *sql.Tx) error {
		w, err := s.newGroupWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for _, d := range data {
			if err := w.apply(mode, status, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func groupSyncStatus(s string) (string, error) {
	switch s {
	case "":
		return "synced", nil
	case "synced", "syncreq":
		return s, nil
	}
	return "", fmt.Errorf("%w: group sync status %q", ErrInvalidArgument, s)
}

// groupWriter applies set-agent-groups elements with statements the store
// prepared once (groupStatements, see stmtCache), bound to the transaction on
// first use: a master gives new agents their default group a few at a time,
// and parsing the statements again for each transaction cost more than
// running them.
type groupWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	s     *Store
	ids   map[string]int64
	now   int64
	stmts map[string]*sql.Stmt
}

const (
	sqlCurrentGroups = "SELECT `group` FROM agent WHERE id = ?"
	sqlInsertAgent   = "INSERT INTO agent (id, name, date_add) VALUES (?, ?, ?)"
	sqlClearBelongs  = "DELETE FROM belongs WHERE id_agent = ?"
	sqlDeleteBelong  = "DELETE FROM belongs WHERE id_agent = ? AND id_group = ?"
	sqlInsertBelong  = "INSERT INTO belongs (id_group, id_agent, priority) VALUES (?, ?, ?)"
	sqlMaxPriority   = "SELECT COALESCE(MAX(priority), -1) FROM belongs WHERE id_agent = ?"
	sqlSetContext    = "UPDATE agent SET `group` = ?, group_hash = ?, group_sync_status = ? WHERE id = ?"
	sqlAddGroup      = "INSERT INTO `group` (name) VALUES (?)"
)

// groupStatements are the statements of a groupWriter.
var groupStatements = []string{sqlCurrentGroups, sqlInsertAgent, sqlClearBelongs, sqlDeleteBelong,
	sqlInsertBelong, sqlMaxPriority, sqlSetContext, sqlAddGroup}

func (s *Store) newGroupWriter(ctx context.Context, tx *sql.Tx) (*groupWriter, error) {
	w := &groupWriter{ctx: ctx, tx: tx, s: s, ids: make(map[string]int64), now: time.Now().Unix(),
		stmts: make(map[string]*sql.Stmt)}
	rows, err := tx.QueryContext(ctx, "SELECT id, name FROM `group`")
	if err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read groups: %w", err)
		}
		w.ids[name] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	return w, nil
}

// stmt returns the statement of query bound to the writer's transaction.
func (w *groupWriter) stmt(query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.s.stmt(w.ctx, w.tx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	w.stmts[query] = st
	return st, nil
}

func (w *groupWriter) exec(query string, args ...any) error {
	st, err := w.stmt(query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(w.ctx, args...)
	return err
}

func (w *groupWriter) queryRow(query string, args []any, dest ...any) error {
	st, err := w.stmt(query)
	if err != nil {
		return err
	}
	return st.QueryRowContext(w.ctx, args...).Scan(dest...)
}

func (w *groupWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
}

// groupID returns the id of a group, creating the group when missing.
func (w *groupWriter) groupID(name string) (int64, error) {
	if id, ok := w.ids[name]; ok {
		return id, nil
	}
	st, err := w.stmt(sqlAddGroup)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(w.ctx, name)
	if err != nil {
		return 0, fmt.Errorf("create group %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("create group %q: %w", name, err)
	}
	w.ids[name] = id
	return id, nil
}

func (w *groupWriter) apply(mode SetMode, syncStatus string, d AgentGroups) error {
	var csv sql.NullString
	err := w.queryRow(sqlCurrentGroups, []any{d.ID}, &csv)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// An agent is created only under a name an agent may have (wazuh-db takes any).
		if !messages.ValidAgentName(d.Name) || mode == ModeRemove || d.ID < 1 {
			return nil
		}
		if err := w.exec(sqlInsertAgent, d.ID, d.Name, w.now); err != nil {
			return fmt.Errorf("create agent %03d %q: %w", d.ID, d.Name, err)
		}
		err = nil // the agent exists now, with no group yet
	case err != nil:
		return fmt.Errorf("read groups of agent %03d: %w", d.ID, err)
	}
	current := splitGroups(csv.String)
	wanted := dedupe(d.Groups)

	var final []string
	switch mode {
	case ModeEmptyOnly:
		if len(current) > 0 {
			return nil
		}
		final, err = w.replace(d.ID, wanted)
	case ModeOverride:
		if slices.Equal(current, wanted) {
			// Unchanged (the usual case of a full resync): only the status moves.
			final = current
			break
		}
		final, err = w.replace(d.ID, wanted)
	case ModeAppend:
		final, err = w.append(d.ID, current, wanted)
	case ModeRemove:
		final, err = w.remove(d.ID, current, wanted)
	}
	if err != nil {
		return err
	}
	gcsv, ghash := groupColumns(final)
	if err := w.exec(sqlSetContext, gcsv, ghash, syncStatus, d.ID); err != nil {
		return fmt.Errorf("set groups of agent %03d: %w", d.ID, err)
	}
	return nil
}

func (w *groupWriter) replace(id int, groups []string) ([]string, error) {
	if err := w.exec(sqlClearBelongs, id); err != nil {
		return nil, fmt.Errorf("clear groups of agent %03d: %w", id, err)
	}
	return groups, w.insert(id, groups, 0)
}

func (w *groupWriter) append(id int, current, wanted []string) ([]string, error) {
	var missing []string
	for _, g := range wanted {
		if !slices.Contains(current, g) {
			missing = append(missing, g)
		}
	}
	final := append(slices.Clip(current), missing...)
	if len(final) > maxGroupsPerAgent {
		return nil, fmt.Errorf("%w: agent %03d would have %d groups, at most %d", ErrInvalidGroup, id, len(final), maxGroupsPerAgent)
	}
	if len(missing) == 0 {
		return final, nil
	}
	var last int
	if err := w.queryRow(sqlMaxPriority, []any{id}, &last); err != nil {
		return nil, fmt.Errorf("read group priority of agent %03d: %w", id, err)
	}
	return final, w.insert(id, missing, last+1)
}

func (w *groupWriter) remove(id int, current, unwanted []string) ([]string, error) {
	final := make([]string, 0, len(current))
	for _, g := range current {
		if !slices.Contains(unwanted, g) {
			final = append(final, g)
		}
	}
	for _, g := range unwanted {
		gid, ok := w.ids[g]
		if !ok {
			continue
		}
		if err := w.exec(sqlDeleteBelong, id, gid); err != nil {
			return nil, fmt.Errorf("remove agent %03d from %q: %w", id, g, err)
		}
	}
	if len(final) == 0 && len(unwanted) > 0 {
		// wdb_global_if_empty_set_default_agent_group
		final = []string{defaultGroup}
		if err := w.insert(id, final, 0); err != nil {
			return nil, err
		}
	}
	return final, nil
}

func (w *groupWriter) insert(id int, groups []string, priority int) error {
	for i, g := range groups {
		gid, err := w.groupID(g)
		if err != nil {
			return err
		}
		if err := w.exec(sqlInsertBelong, gid, id, priority+i); err != nil {
			return fmt.Errorf("add agent %03d to %q: %w", id, g, err)
		}
	}
	return nil
}

package framework

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// Manager is the manager's own row of Wazuh's agent table, agent 000: global.db holds it,
// clusterd's store does not (client.keys, which the store mirrors, never lists it), so the
// framework adds it to every agent query.
type Manager struct {
	Name     string    // the host's name: the row's name and manager
	NodeName string    // the node the manager is: the row's node_name
	Version  string    // "Wazuh v4.14.7"
	DateAdd  time.Time // the row's dateAdd (when the store was created, on a Wazuh manager)
	OS       HostOS
}

// HostOS is what the manager's row says of the operating system (the os.* fields).
type HostOS struct {
	Name, Version, Major, Minor, Codename, Build, Platform, Uname, Arch string
}

// managerKeepalive is the manager's lastKeepAlive: 9999-12-31T23:59:59Z, as wazuh-db writes it.
const managerKeepalive = 253402300799

// agentColumns are the columns of the agent table the framework's queries read.
const agentColumns = "id, name, ip, register_ip, internal_key, os_name, os_version, os_major, os_minor, " +
	"os_codename, os_build, os_platform, os_uname, os_arch, version, config_sum, merged_sum, manager_host, " +
	"node_name, date_add, last_keepalive, connection_status, disconnection_time, group_config_status, " +
	"status_code, `group`"

// agentDB is the agent table as the framework sees it: the store's agents and the manager.
type agentDB struct {
	store   Store
	manager Manager
	ids     agentIDCache
}

// managerRow is the manager's values for agentColumns, in their order.
func (db *agentDB) managerRow() []any {
	m := db.manager
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var added any
	if !m.DateAdd.IsZero() {
		added = m.DateAdd.Unix()
	}
	return []any{text(m.Name), "127.0.0.1", "127.0.0.1", nil, text(m.OS.Name), text(m.OS.Version),
		text(m.OS.Major), text(m.OS.Minor), text(m.OS.Codename), text(m.OS.Build), text(m.OS.Platform),
		text(m.OS.Uname), text(m.OS.Arch), text(m.Version), nil, nil, text(m.Name), text(m.NodeName), added,
		int64(managerKeepalive), "active", int64(0), "synced", int64(0), nil}
}

// tableRows says which rows the agent table of a statement holds.
type tableRows int

const (
	allRows     tableRows = iota // the store's agents and the manager
	storeRows                    // the store's agents only
	managerRows                  // the manager only
)

// The agent table of a statement shadows the store's: the store's rows come first in the
// compound, so that its columns keep the table's affinities (a comparison of id with '001'
// is numeric), even when they contribute no row. It holds only the columns the statement
// names: SQLite copies every column of the compound for every row, and the summaries, which
// read one column of 10,000 rows, spent most of their time copying the other 25.
// A column the store holds elsewhere (ColumnsElsewhere) is read there under its own name.
func tableFor(store Store, rows tableRows, statement string) (table string, kept []int) {
	elsewhere, _ := store.(ColumnsElsewhere)
	kept = []int{0} // id, always first: the manager's row is SELECT 0, ...
	names := []string{agentColumnNames[0]}
	for i, name := range agentColumnNames[1:] {
		if !namesColumn(statement, name) {
			continue
		}
		kept = append(kept, i+1)
		if elsewhere != nil {
			if expr, ok := elsewhere.AgentColumnSQL(name); ok {
				names = append(names, expr+" AS "+quoteColumn(name))
				continue
			}
		}
		names = append(names, quoteColumn(name))
	}
	cols := strings.Join(names, ", ")
	switch rows {
	case storeRows:
		return "WITH agent AS (SELECT " + cols + " FROM main.agent WHERE id > 0) ", kept
	case managerRows:
		return "WITH agent AS (SELECT " + cols + " FROM main.agent WHERE 0 UNION ALL SELECT 0" +
			strings.Repeat(", ?", len(kept)-1) + ") ", kept
	}
	return "WITH agent AS (SELECT " + cols + " FROM main.agent WHERE id > 0 UNION ALL SELECT 0" +
		strings.Repeat(", ?", len(kept)-1) + ") ", kept
}

// agentColumnNames are agentColumns one by one, unquoted.
var agentColumnNames = func() []string {
	parts := strings.Split(agentColumns, ",")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), "`")
	}
	return parts
}()

func quoteColumn(name string) string {
	if name == "group" {
		return "`group`"
	}
	return name
}

// namesColumn reports whether statement mentions column name as a word. Over-inclusion only
// costs a copied column; the statements are the framework's, their values bound apart.
func namesColumn(statement, name string) bool {
	for from := 0; ; {
		i := strings.Index(statement[from:], name)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(name)
		if (i == 0 || !isWordByte(statement[i-1])) && (end == len(statement) || !isWordByte(statement[end])) {
			return true
		}
		from = i + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// hasManager reports whether the manager's row is part of the table (a zero Manager leaves it
// out, as a global.db that does not have it).
func (db *agentDB) hasManager() bool { return db.manager != (Manager{}) }

// selectAgents runs statement over the agent table. A failure of the statement is what
// wazuh-db answers then: WazuhError 2003 with its text.
func (db *agentDB) selectAgents(ctx context.Context, rows tableRows, statement string, args []any, row func([]any) error) error {
	switch {
	case rows == managerRows && !db.hasManager():
		return nil
	case rows == allRows && !db.hasManager():
		rows = storeRows
	}
	table, kept := tableFor(db.store, rows, statement)
	all := args
	if rows != storeRows {
		manager := db.managerRow()
		all = make([]any, 0, len(kept)-1+len(args))
		for _, c := range kept[1:] {
			all = append(all, manager[c-1])
		}
		all = append(all, args...)
	}
	if err := db.store.SelectGlobal(ctx, table+statement, all, row); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return messages.ErrWazuhDBRequest.With(err.Error())
	}
	return nil
}

// agentIDs is get_agents_info: every agent id (three digits at least), the manager's included.
func (db *agentDB) agentIDs(ctx context.Context) ([]string, error) {
	ids := []string{"000"} // get_agents_info adds the manager whatever the table holds
	err := db.store.SelectGlobal(ctx, "SELECT id FROM agent WHERE id > 0 ORDER BY id", nil, func(v []any) error {
		ids = append(ids, zfill3(pyText(v[0])))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list agent ids: %w", err)
	}
	return ids, nil
}

// agentsInGroup is expand_group: the agents that belong to group.
func (db *agentDB) agentsInGroup(ctx context.Context, group string) ([]string, error) {
	var ids []string
	err := db.store.SelectGlobal(ctx, "SELECT b.id_agent FROM belongs b JOIN `group` g ON g.id = b.id_group "+
		"WHERE g.name = ? ORDER BY b.id_agent", []any{group}, func(v []any) error {
		ids = append(ids, zfill3(pyText(v[0])))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the agents of group %s: %w", messages.ClipForLog(group), err)
	}
	return ids, nil
}

// agentGroups returns one agent's groups in priority order; false when the agent is unknown.
func (db *agentDB) agentGroups(ctx context.Context, id int) ([]string, bool, error) {
	var (
		groups []string
		found  bool
	)
	err := db.store.SelectGlobal(ctx, "SELECT `group` FROM agent WHERE id = ?", []any{int64(id)}, func(v []any) error {
		found = true
		if s, ok := v[0].(string); ok && s != "" {
			groups = strings.Split(s, ",")
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read the groups of agent %03d: %w", id, err)
	}
	return groups, found, nil
}

// agentNumber reads an agent id as the framework's agent ids are ("001"), as a number.
func agentNumber(id string) (int, bool) {
	if !isASCIIDigits(id) || len(id) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(id)
	return n, err == nil
}

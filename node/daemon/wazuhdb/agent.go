package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Label is one agent label ("key":value line of a keepalive).
type Label struct{ Key, Value string }

// Agent is one row of the agent table with its groups and labels.
type Agent struct {
	ID                                                                                    int
	Name, IP, RegisterIP, Key                                                             string
	OSName, OSVersion, OSMajor, OSMinor, OSCodename, OSBuild, OSPlatform, OSUname, OSArch string
	Version, ConfigSum, MergedSum, ManagerHost, NodeName                                  string
	DateAdd, LastKeepalive, DisconnectionTime                                             int64 // unix seconds, 0 = unset
	ConnectionStatus, GroupConfigStatus                                                   string
	StatusCode                                                                            int
	Groups                                                                                []string // in priority order
	GroupHash, GroupSyncStatus, SyncStatus                                                string
	Labels                                                                                []Label
}

// agentColumns is the select list scanAgent reads, in its order.
const agentColumns = "id, name, ip, register_ip, internal_key, os_name, os_version, os_major, " +
	"os_minor, os_codename, os_build, os_platform, os_uname, os_arch, version, config_sum, " +
	"merged_sum, manager_host, node_name, date_add, " + LastKeepaliveSQL + ", connection_status, " +
	"disconnection_time, group_config_status, status_code, `group`, group_hash, " +
	"group_sync_status, sync_status"

type rowScanner interface{ Scan(dest ...any) error }

// scanAgent reads one agentColumns row; NULL text reads as "" and NULL
// numbers as 0, which is how Wazuh's JSON omits unset values.
func scanAgent(r rowScanner) (Agent, error) {
	var (
		a                                   Agent
		ip, regIP, key, osName, osVersion   sql.NullString
		osMajor, osMinor, osCodename        sql.NullString
		osBuild, osPlatform, osUname        sql.NullString
		osArch, version, configSum          sql.NullString
		mergedSum, managerHost, nodeName    sql.NullString
		groups, groupHash                   sql.NullString
		dateAdd, lastKeepalive, disconnTime sql.NullInt64
		statusCode                          sql.NullInt64
	)
	err := r.Scan(&a.ID, &a.Name, &ip, &regIP, &key, &osName, &osVersion, &osMajor,
		&osMinor, &osCodename, &osBuild, &osPlatform, &osUname, &osArch, &version, &configSum,
		&mergedSum, &managerHost, &nodeName, &dateAdd, &lastKeepalive, &a.ConnectionStatus,
		&disconnTime, &a.GroupConfigStatus, &statusCode, &groups, &groupHash,
		&a.GroupSyncStatus, &a.SyncStatus)
	if err != nil {
		return Agent{}, err
	}
	a.IP, a.RegisterIP, a.Key = ip.String, regIP.String, key.String
	a.OSName, a.OSVersion, a.OSMajor, a.OSMinor = osName.String, osVersion.String, osMajor.String, osMinor.String
	a.OSCodename, a.OSBuild, a.OSPlatform = osCodename.String, osBuild.String, osPlatform.String
	a.OSUname, a.OSArch, a.Version, a.ConfigSum = osUname.String, osArch.String, version.String, configSum.String
	a.MergedSum, a.ManagerHost, a.NodeName = mergedSum.String, managerHost.String, nodeName.String
	a.DateAdd, a.LastKeepalive, a.DisconnectionTime = dateAdd.Int64, lastKeepalive.Int64, disconnTime.Int64
	a.StatusCode = int(statusCode.Int64)
	a.Groups = splitGroups(groups.String)
	a.GroupHash = groupHash.String
	return a, nil
}

// splitGroups turns the `group` CSV column back into the priority-ordered list.
func splitGroups(csv string) []string {
	if csv == "" {
		return nil
	}
	return strings.Split(csv, ",")
}

// Agent returns the agent with that id; false when there is none.
func (s *Store) Agent(ctx context.Context, id int) (Agent, bool, error) {
	return s.agentWhere(ctx, "agent", "id = ?", id)
}

// AgentByName returns the agent with that name (the lowest id when several
// share it); false when there is none.
func (s *Store) AgentByName(ctx context.Context, name string) (Agent, bool, error) {
	return s.agentWhere(ctx, "agent by name", "name = ?", name)
}

// AgentByIP returns the agent whose client.keys IP (register_ip, the address
// authd's duplicate-IP check compares) is exactly ip; false when there is none.
// Removed entries live in removed_keys and never match.
func (s *Store) AgentByIP(ctx context.Context, ip string) (Agent, bool, error) {
	return s.agentWhere(ctx, "agent by ip", "register_ip = ?", ip)
}

// agentWhereSQL selects the first agent matching where.
func agentWhereSQL(where string) string {
	return "SELECT " + agentColumns + " FROM agent WHERE " + where + " ORDER BY id LIMIT 1"
}

func (s *Store) agentWhere(ctx context.Context, op, where string, arg any) (Agent, bool, error) {
	var (
		a     Agent
		found bool
	)
	err := s.read(ctx, op, func(tx *sql.Tx) error {
		st, err := s.stmt(ctx, tx, agentWhereSQL(where))
		if err != nil {
			return err
		}
		row := st.QueryRowContext(ctx, arg)
		a, err = scanAgent(row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		a.Labels, err = agentLabels(ctx, tx, a.ID)
		return err
	})
	if err != nil || !found {
		return Agent{}, false, err
	}
	return a, true, nil
}

func agentLabels(ctx context.Context, q queryer, id int) ([]Label, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM labels WHERE id = ? ORDER BY key`, id)
	if err != nil {
		return nil, fmt.Errorf("read labels of agent %d: %w", id, err)
	}
	defer rows.Close()
	var labels []Label
	for rows.Next() {
		var l Label
		if err := rows.Scan(&l.Key, &l.Value); err != nil {
			return nil, fmt.Errorf("read labels of agent %d: %w", id, err)
		}
		labels = append(labels, l)
	}
	return labels, rows.Err()
}

// Agents returns every agent, by id.
func (s *Store) Agents(ctx context.Context) ([]Agent, error) {
	var agents []Agent
	err := s.read(ctx, "list agents", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+agentColumns+" FROM agent ORDER BY id")
		if err != nil {
			return err
		}
		index := make(map[int]int)
		for rows.Next() {
			a, err := scanAgent(rows)
			if err != nil {
				rows.Close()
				return err
			}
			index[a.ID] = len(agents)
			agents = append(agents, a)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return attachAllLabels(ctx, tx, agents, index)
	})
	if err != nil {
		return nil, err
	}
	return agents, nil
}

// attachAllLabels reads the labels table once instead of once per agent.
func attachAllLabels(ctx context.Context, q queryer, agents []Agent, index map[int]int) error {
	rows, err := q.QueryContext(ctx, `SELECT id, key, value FROM labels ORDER BY id, key`)
	if err != nil {
		return fmt.Errorf("read labels: %w", err)
	}
	return attachLabelRows(rows, agents, index)
}

// attachLabelRows appends each (id, key, value) row to the labels of agents[index[id]], skipping
// ids not in index, and closes rows.
func attachLabelRows(rows *sql.Rows, agents []Agent, index map[int]int) error {
	defer rows.Close()
	for rows.Next() {
		var (
			id int
			l  Label
		)
		if err := rows.Scan(&id, &l.Key, &l.Value); err != nil {
			return fmt.Errorf("read labels: %w", err)
		}
		if i, ok := index[id]; ok {
			agents[i].Labels = append(agents[i].Labels, l)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read labels: %w", err)
	}
	return nil
}

// nullString stores "" as NULL, as wazuh-db stores an absent JSON value.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// nullInt stores 0 as NULL for columns where 0 means "unset".
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

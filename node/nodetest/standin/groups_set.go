package standin

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Limits of wazuh-db's group names and memberships (MAX_GROUP_NAME, MAX_GROUPS_PER_MULTIGROUP).
const (
	maxGroupName      = 255
	maxGroupsPerAgent = 128
)

var groupNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.\-]+$`)

// setAgentGroups is wdb_parse_global_set_agent_groups and wdb_global_set_agent_groups: per
// agent, remove the listed groups (mode remove), or clear its groups (override) or skip an
// agent that has some (empty_only) or add after the last one (append), then assign the listed
// groups, which must exist; then recompute its group column and hash and set its
// group_sync_status. On a worker, override needs the agent's name and creates an agent it does
// not have. Any failure leaves the others done and answers err.
func (w *WazuhDB) setAgentGroups(input string) string {
	var args struct {
		Mode       *string           `json:"mode"`
		SyncStatus json.RawMessage   `json:"sync_status"`
		Data       []json.RawMessage `json:"data"`
	}
	if !json.Valid([]byte(input)) {
		return fmt.Sprintf("err Invalid JSON syntax, near '%.32s'", input)
	}
	if err := json.Unmarshal([]byte(input), &args); err != nil || args.Mode == nil || args.Data == nil {
		return "err Invalid JSON data, missing required fields"
	}
	mode := *args.Mode
	switch mode {
	case "override", "append", "empty_only", "remove":
	default:
		return fmt.Sprintf("err Invalid mode '%s' in set_agent_groups command", mode)
	}
	syncStatus := "synced"
	var s string
	if json.Unmarshal(args.SyncStatus, &s) == nil && args.SyncStatus != nil {
		syncStatus = s
	}
	ctx := context.Background()
	failed := false
	for _, item := range args.Data {
		if !w.setOneAgentGroups(ctx, mode, syncStatus, item) {
			failed = true
		}
	}
	if failed {
		return "err An error occurred during the set of the groups"
	}
	return "ok"
}

// setOneAgentGroups applies one element of data; false when something failed.
func (w *WazuhDB) setOneAgentGroups(ctx context.Context, mode, syncStatus string, item json.RawMessage) bool {
	var e struct {
		ID     *json.Number      `json:"id"`
		Name   json.RawMessage   `json:"name"`
		Groups []json.RawMessage `json:"groups"`
	}
	if json.Unmarshal(item, &e) != nil || e.ID == nil || e.Groups == nil {
		return false
	}
	id := intOf(*e.ID)
	groups := stringsOf(e.Groups)
	ok := true
	if mode == "remove" {
		ok = w.unassign(ctx, id, groups)
		return w.recalculateAgent(ctx, id, syncStatus) && ok
	}
	priority := 0
	if mode == "override" {
		if _, err := w.db.ExecContext(ctx, "DELETE FROM belongs WHERE id_agent = ?", id); err != nil {
			ok = false
		}
	} else {
		var last sql.NullInt64
		_ = w.db.QueryRowContext(ctx, "SELECT MAX(priority) FROM belongs WHERE id_agent = ?", id).Scan(&last)
		if last.Valid {
			if mode == "empty_only" {
				return ok
			}
			priority = int(last.Int64) + 1
		}
	}
	if !w.validGroups(ctx, id, groups) {
		return false
	}
	var createName *string
	if mode == "override" {
		var name string
		switch {
		case json.Unmarshal(e.Name, &name) == nil && e.Name != nil && string(e.Name) != "null":
			createName = &name
		case w.opts.Worker:
			return false // the agent's name is required on a worker
		}
	}
	if !w.assign(ctx, id, groups, priority, createName) {
		ok = false
	}
	return w.recalculateAgent(ctx, id, syncStatus) && ok
}

// stringsOf keeps the strings of a JSON list (cJSON_IsString), in order.
func stringsOf(list []json.RawMessage) []string {
	var out []string
	for _, v := range list {
		var s string
		if json.Unmarshal(v, &s) == nil && string(v) != "null" {
			out = append(out, s)
		}
	}
	return out
}

// validGroups is wdb_global_validate_groups: at most 128 groups in all, valid names.
func (w *WazuhDB) validGroups(ctx context.Context, id int, groups []string) bool {
	var have int
	if err := w.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM belongs WHERE id_agent = ?", id).Scan(&have); err != nil {
		return false
	}
	for i, g := range groups {
		if have+i+1 > maxGroupsPerAgent {
			return false
		}
		if len(g) > maxGroupName || !groupNamePattern.MatchString(g) || g == "." || g == ".." {
			return false
		}
	}
	return true
}

// assign is wdb_global_assign_agent_group: each group, which must exist, from priority on.
// When the membership cannot be written because the agent does not exist, a name to create it
// with (override on a worker) creates it never connected, else it is a failure.
func (w *WazuhDB) assign(ctx context.Context, id int, groups []string, priority int, createName *string) bool {
	ok := true
	for _, g := range groups {
		var gid int
		if err := w.db.QueryRowContext(ctx, "SELECT id FROM `group` WHERE name = ?", g).Scan(&gid); err != nil {
			ok = false // Unable to find the id of the group
			continue
		}
		insert := func() error {
			_, err := w.db.ExecContext(ctx, "INSERT INTO belongs (id_group, id_agent, priority) VALUES (?, ?, ?)", gid, id, priority)
			return err
		}
		err := insert()
		if err != nil && createName != nil && !w.exists(ctx, id) {
			_, cerr := w.db.ExecContext(ctx, "INSERT INTO agent (id, name, ip, register_ip, internal_key, `group`, date_add) "+
				"VALUES (?, ?, '0.0.0.0', '0.0.0.0', NULL, NULL, ?)", id, *createName, time.Now().Unix())
			if cerr != nil {
				ok = false
				continue
			}
			err = insert()
		}
		if err != nil {
			ok = false
			continue
		}
		priority++
	}
	return ok
}

func (w *WazuhDB) exists(ctx context.Context, id int) bool {
	var one int
	return w.db.QueryRowContext(ctx, "SELECT 1 FROM agent WHERE id = ?", id).Scan(&one) == nil
}

// unassign is wdb_global_unassign_agent_group: each listed group taken away; an agent left
// without groups gets "default".
func (w *WazuhDB) unassign(ctx context.Context, id int, groups []string) bool {
	ok := true
	for _, g := range groups {
		var gid int
		if err := w.db.QueryRowContext(ctx, "SELECT id FROM `group` WHERE name = ?", g).Scan(&gid); err != nil {
			ok = false
			continue
		}
		if _, err := w.db.ExecContext(ctx, "DELETE FROM belongs WHERE id_group = ? AND id_agent = ?", gid, id); err != nil {
			ok = false
			continue
		}
		var left int
		_ = w.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM belongs WHERE id_agent = ?", id).Scan(&left)
		if left == 0 && w.exists(ctx, id) {
			_, err := w.db.ExecContext(ctx, "INSERT INTO belongs (id_group, id_agent, priority) "+
				"SELECT id, ?, 0 FROM `group` WHERE name = 'default'", id)
			if err != nil {
				ok = false
			}
		}
	}
	return ok
}

// recalculateAgent is wdb_global_recalculate_agent_groups_hash: the group column (the groups
// by priority, comma-separated), its hash and the given group_sync_status.
func (w *WazuhDB) recalculateAgent(ctx context.Context, id int, syncStatus string) bool {
	groups, err := w.groupsOf(ctx, id)
	if err != nil {
		return false
	}
	csv, hash := groupColumns(groups)
	_, err = w.db.ExecContext(ctx, "UPDATE agent SET `group` = ?, group_hash = ?, group_sync_status = ? WHERE id = ?",
		csv, hash, syncStatus, id)
	return err == nil
}

// groupColumns are the group and group_hash columns for groups: the names joined by commas and
// the first 8 hex characters of their SHA-256, both NULL without groups.
func groupColumns(groups []string) (csv, hash any) {
	if len(groups) == 0 {
		return nil, nil
	}
	joined := strings.Join(groups, ",")
	sum := sha256.Sum256([]byte(joined))
	return joined, hex.EncodeToString(sum[:])[:8]
}

// recalculateAgentGroupHashes is `global recalculate-agent-group-hashes`: every agent's group
// column and hash rebuilt from its memberships where they differ, group_sync_status left alone.
func (w *WazuhDB) recalculateAgentGroupHashes() string {
	ctx := context.Background()
	rows, err := w.db.QueryContext(ctx, "SELECT id, `group` FROM agent WHERE id > 0")
	if err != nil {
		return "err Error recalculating group hash of agents in global.db"
	}
	type agent struct {
		id    int
		group sql.NullString
	}
	var agents []agent
	for rows.Next() {
		var a agent
		if err := rows.Scan(&a.id, &a.group); err != nil {
			rows.Close()
			return "err Error recalculating group hash of agents in global.db"
		}
		agents = append(agents, a)
	}
	rows.Close()
	for _, a := range agents {
		groups, err := w.groupsOf(ctx, a.id)
		if err != nil {
			return "err Error recalculating group hash of agents in global.db"
		}
		csv, hash := groupColumns(groups)
		now, _ := csv.(string)
		if (csv == nil) == !a.group.Valid && now == a.group.String {
			continue
		}
		if _, err := w.db.ExecContext(ctx, "UPDATE agent SET `group` = ?, group_hash = ? WHERE id = ?", csv, hash, a.id); err != nil {
			return "err Error recalculating group hash of agents in global.db"
		}
	}
	return "ok"
}

package standin

import (
	"context"
	"crypto/sha1" //nolint:gosec // wazuh-db's global group hash is SHA-1
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// wdbMaxResponseSize is WDB_MAX_RESPONSE_SIZE (OS_MAXSTR - WDB_MAX_COMMAND_SIZE): a
// sync-agent-groups-get page stops before its answer would reach it.
const wdbMaxResponseSize = maxStr - 512

// groupsGetArgs is the JSON of sync-agent-groups-get; a nil member was not sent.
type groupsGetArgs struct {
	Condition     *string
	LastID        *json.Number
	SetSynced     *bool
	GetGlobalHash *bool
	Delta         *json.Number
}

// syncAgentGroupsGet is wdb_parse_global_sync_agent_groups_get and
// wdb_global_sync_agent_groups_get: the agents after last_id (with group_sync_status
// 'syncreq' for condition sync_status, all for all, none without a condition) registered
// before now - agent_registration_delta, one at a time until the next would not fit the
// answer ("due"), each marked synced as it is taken when set_synced; the global hash last when
// asked and when it fits.
func (w *WazuhDB) syncAgentGroupsGet(input string) string {
	if !json.Valid([]byte(input)) {
		return fmt.Sprintf("err Invalid JSON syntax, near '%.32s'", input)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(input), &raw) // not an object: no member, as cJSON finds none
	args, ok := parseGroupsGetArgs(raw)
	if !ok {
		return "err Invalid JSON data, invalid alternative fields data"
	}
	condition := "none"
	if args.Condition != nil {
		switch *args.Condition {
		case "sync_status", "all":
			condition = *args.Condition
		default:
			return "err Could not obtain a response from wdb_global_sync_agent_groups_get"
		}
	}
	lastID, delta := 0, 0
	if args.LastID != nil {
		lastID = intOf(*args.LastID)
	}
	if args.Delta != nil {
		delta = intOf(*args.Delta)
	}
	setSynced := args.SetSynced != nil && *args.SetSynced
	getHash := args.GetGlobalHash != nil && *args.GetGlobalHash

	ctx := context.Background()
	var data [][]byte
	size := len(`[{"data":[]}]`)
	status := ""
	hash := ""
	hasHash := false
	if condition != "none" {
		filter := ""
		if condition == "sync_status" {
			filter = " AND group_sync_status = 'syncreq'"
		}
		registered := time.Now().Unix() - int64(delta)
		for status == "" {
			var id int
			var name sql.NullString
			err := w.db.QueryRowContext(ctx, "SELECT id, name FROM agent WHERE id > ?"+filter+" AND date_add < ? ORDER BY id LIMIT 1",
				lastID, registered).Scan(&id, &name)
			if errors.Is(err, sql.ErrNoRows) {
				status = "ok"
				if getHash {
					hash, hasHash, status = w.hashFitting(ctx, size)
				}
				break
			}
			if err != nil {
				return "err Could not obtain a response from wdb_global_sync_agent_groups_get"
			}
			lastID = id
			groups, err := w.groupsOf(ctx, id)
			if err != nil {
				return "err Could not obtain a response from wdb_global_sync_agent_groups_get"
			}
			agent := agentGroupsJSON(id, name, groups)
			if size+len(agent)+1 < wdbMaxResponseSize {
				data = append(data, agent)
				size += len(agent) + 1
				if setSynced {
					if _, err := w.db.ExecContext(ctx, "UPDATE agent SET group_sync_status = 'synced' WHERE id = ?", id); err != nil {
						status = "err"
					}
				}
			} else {
				status = "due"
			}
		}
	} else {
		status = "ok"
		if getHash {
			hash, hasHash, status = w.hashFitting(ctx, size)
		}
	}
	out := []byte(`[{"data":[`)
	for i, a := range data {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, a...)
	}
	out = append(out, ']')
	if status != "due" && getHash {
		if hasHash {
			out = messages.AppendCJSONString(append(out, `,"hash":`...), hash)
		} else {
			out = append(out, `,"hash":null`...)
		}
	}
	out = append(out, "}]"...)
	if len(out) > wdbMaxResponseSize+512 {
		return "err Invalid response from wdb_global_sync_agent_groups_get"
	}
	return status + " " + string(out)
}

func parseGroupsGetArgs(raw map[string]json.RawMessage) (groupsGetArgs, bool) {
	var a groupsGetArgs
	ok := true
	take := func(key string, dst any) {
		if v, present := raw[key]; present && ok {
			ok = json.Unmarshal(v, dst) == nil
		}
	}
	take("condition", &a.Condition)
	take("last_id", &a.LastID)
	take("set_synced", &a.SetSynced)
	take("get_global_hash", &a.GetGlobalHash)
	take("agent_registration_delta", &a.Delta)
	for _, n := range []*json.Number{a.LastID, a.Delta} {
		if n != nil && intOf(*n) < 0 {
			ok = false
		}
	}
	// null is not a string, a number nor a bool for cJSON.
	for _, key := range []string{"condition", "last_id", "set_synced", "get_global_hash", "agent_registration_delta"} {
		if v, present := raw[key]; present && string(v) == "null" {
			ok = false
		}
	}
	return a, ok
}

// intOf is cJSON's valueint of a number.
func intOf(n json.Number) int {
	if i, err := strconv.ParseInt(string(n), 10, 32); err == nil {
		return int(i)
	}
	f, _ := n.Float64()
	return int(f)
}

// agentGroupsJSON prints one agent of a page as cJSON does the row plus its groups.
func agentGroupsJSON(id int, name sql.NullString, groups []string) []byte {
	b := strconv.AppendInt([]byte(`{"id":`), int64(id), 10)
	if name.Valid {
		b = messages.AppendCJSONString(append(b, `,"name":`...), name.String)
	}
	b = append(b, `,"groups":[`...)
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = messages.AppendCJSONString(b, g)
	}
	return append(b, "]}"...)
}

// hashFitting is wdb_global_add_global_group_hash_to_response: the hash when it fits the
// answer, else "due".
func (w *WazuhDB) hashFitting(ctx context.Context, size int) (hash string, ok bool, status string) {
	if size+len(`hash:""`)+41+1 >= wdbMaxResponseSize {
		return "", false, "due"
	}
	hash, ok, err := w.globalHash(ctx)
	if err != nil {
		return "", false, "err"
	}
	return hash, ok, "ok"
}

// globalHash is wazuh-db's global group hash: the SHA-1 of the group_hash of every agent but
// the manager that has one, in id order; none (null) when no agent has one.
func (w *WazuhDB) globalHash(ctx context.Context) (string, bool, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT group_hash FROM agent WHERE id > 0 AND group_hash IS NOT NULL ORDER BY id")
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	h := sha1.New() //nolint:gosec
	n := 0
	for rows.Next() {
		var gh string
		if err := rows.Scan(&gh); err != nil {
			return "", false, err
		}
		h.Write([]byte(gh))
		n++
	}
	if err := rows.Err(); err != nil {
		return "", false, err
	}
	if n == 0 {
		return "", false, nil
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// groupsOf is an agent's groups by priority (WDB_STMT_GLOBAL_SELECT_GROUP_BELONG).
func (w *WazuhDB) groupsOf(ctx context.Context, id int) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT name FROM belongs JOIN `group` ON id = id_group WHERE id_agent = ? ORDER BY priority", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []string
	for rows.Next() {
		var g sql.NullString
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		if g.Valid {
			groups = append(groups, g.String)
		}
	}
	return groups, rows.Err()
}

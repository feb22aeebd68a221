package standin

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// syncreqColumns are the columns of a syncreq item, in the order wazuh-db writes them; the
// integers are last_keepalive, disconnection_time and status_code.
var syncreqColumns = []string{"id", "name", "ip", "os_name", "os_version", "os_major", "os_minor", "os_codename",
	"os_build", "os_platform", "os_uname", "os_arch", "version", "config_sum", "merged_sum", "manager_host",
	"node_name", "last_keepalive", "connection_status", "disconnection_time", "group_config_status", "status_code"}

var intColumns = map[string]bool{"id": true, "last_keepalive": true, "disconnection_time": true, "status_code": true}

// getAgentsSync is GET /v1/agents/sync (endpointGetV1AgentsSync): every agent but the manager
// whose sync_status is syncreq (all its columns and labels), syncreq_keepalive (id and version)
// or syncreq_status (id, version and the connection columns); then every agent but the manager
// is marked synced. Empty strings, strings of one space and empty lists are left out, the
// three lists included.
func (w *WazuhDB) getAgentsSync(rw http.ResponseWriter) {
	w.mu.Lock()
	body, err := w.agentsSyncBody(context.Background())
	w.mu.Unlock()
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = rw.Write(body)
}

func (w *WazuhDB) agentsSyncBody(ctx context.Context) ([]byte, error) {
	lists := []struct {
		key, query string
		columns    []string
	}{
		{"syncreq", "SELECT " + join(syncreqColumns) + " FROM agent WHERE id > 0 AND sync_status = 'syncreq'", syncreqColumns},
		{"syncreq_keepalive", "SELECT id, version FROM agent WHERE id > 0 AND sync_status = 'syncreq_keepalive'", []string{"id", "version"}},
		{"syncreq_status", "SELECT id, version, connection_status, disconnection_time, status_code FROM agent " +
			"WHERE id > 0 AND sync_status = 'syncreq_status'", []string{"id", "version", "connection_status", "disconnection_time", "status_code"}},
	}
	out := []byte{'{'}
	for _, l := range lists {
		items, err := w.syncItems(ctx, l.query, l.columns, l.key == "syncreq")
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(append(messages.AppendCJSONString(out, l.key), ':', '['), items...)
		out = append(out, ']')
	}
	out = append(out, '}')
	if _, err := w.db.ExecContext(ctx, "UPDATE agent SET sync_status = 'synced' WHERE id > 0"); err != nil {
		return nil, err
	}
	return out, nil
}

// syncItems writes the items of one list, comma-separated.
func (w *WazuhDB) syncItems(ctx context.Context, query string, columns []string, labels bool) ([]byte, error) {
	rows, err := w.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	type row struct {
		id   int64
		body []byte
	}
	var got []row
	values := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, err
		}
		b := []byte{'{'}
		n := 0
		var id int64
		for i, c := range columns {
			v := values[i]
			if intColumns[c] {
				x, _ := v.(int64) // NULL reads as 0
				if c == "id" {
					id = x
				}
				b = member(b, &n, c)
				b = strconv.AppendInt(b, x, 10)
				continue
			}
			s := textOf(v)
			if s == "" || s == " " {
				continue
			}
			b = messages.AppendCJSONString(member(b, &n, c), s)
		}
		got = append(got, row{id: id, body: b})
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var out []byte
	for i, r := range got {
		if labels {
			l, err := w.labelsJSON(ctx, r.id)
			if err != nil {
				return nil, err
			}
			if l != nil {
				r.body = append(append(r.body, `,"labels":`...), l...)
			}
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(out, r.body...), '}')
	}
	return out, nil
}

func member(b []byte, n *int, key string) []byte {
	if *n > 0 {
		b = append(b, ',')
	}
	*n++
	return append(messages.AppendCJSONString(b, key), ':')
}

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func join(cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

// labelsJSON is an agent's labels as a JSON list, nil when it has none.
func (w *WazuhDB) labelsJSON(ctx context.Context, id int64) ([]byte, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT key, value FROM labels WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []byte
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		if out == nil {
			out = []byte{'['}
		} else {
			out = append(out, ',')
		}
		out = messages.AppendCJSONString(append(out, `{"key":`...), k)
		out = append(messages.AppendCJSONString(append(out, `,"value":`...), v), '}')
	}
	if out != nil {
		out = append(out, ']')
	}
	return out, rows.Err()
}

// errBadItem is an item wazuh-db's JSON library would throw on: the request fails with 500,
// what was written before it stays.
var errBadItem = errors.New("bad item")

// postAgentsSync is POST /v1/agents/sync (endpointPostV1AgentsSync): syncreq items overwrite
// every column of an existing agent (a missing member writes "" or 0) and replace its labels;
// syncreq_keepalive items set last_keepalive to now, the agent active and its version;
// syncreq_status items set its connection columns and version. Every agent written is marked
// synced; an id the database does not have is skipped.
func (w *WazuhDB) postAgentsSync(rw http.ResponseWriter, body io.Reader) {
	raw, err := io.ReadAll(body)
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.mu.Lock()
	err = w.applyAgentsSync(context.Background(), doc)
	w.mu.Unlock()
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	rw.WriteHeader(http.StatusOK)
}

func (w *WazuhDB) applyAgentsSync(ctx context.Context, doc map[string]json.RawMessage) error {
	steps := []struct {
		key   string
		apply func(context.Context, item) error
	}{{"syncreq", w.applySyncreq}, {"syncreq_keepalive", w.applyKeepalive}, {"syncreq_status", w.applyStatus}}
	for _, s := range steps {
		list, present := doc[s.key]
		if !present || string(list) == "null" {
			continue
		}
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(list, &items); err != nil {
			return errBadItem
		}
		for _, it := range items {
			if err := s.apply(ctx, item(it)); err != nil {
				return err
			}
		}
	}
	return nil
}

// item reads members as nlohmann's json::at(key).get<T>() does: a missing member is the zero
// value, a member of the wrong type an error.
type item map[string]json.RawMessage

func (it item) str(key string, bad *bool) string {
	v, ok := it[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil || string(v) == "null" {
		*bad = true
	}
	return s
}

func (it item) int(key string, bad *bool) int64 {
	v, ok := it[key]
	if !ok {
		return 0
	}
	var n json.Number
	if json.Unmarshal(v, &n) != nil {
		*bad = true
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil {
			*bad = true
		}
		i = int64(f)
	}
	return i
}

func (it item) id(bad *bool) int64 {
	if _, ok := it["id"]; !ok {
		*bad = true
		return 0
	}
	return it.int("id", bad)
}

func (w *WazuhDB) applySyncreq(ctx context.Context, it item) error {
	bad := false
	id := it.id(&bad)
	args := []any{it.str("config_sum", &bad), it.str("ip", &bad), it.str("manager_host", &bad), it.str("merged_sum", &bad),
		it.str("name", &bad), it.str("node_name", &bad), it.str("os_arch", &bad), it.str("os_build", &bad),
		it.str("os_codename", &bad), it.str("os_major", &bad), it.str("os_minor", &bad), it.str("os_name", &bad),
		it.str("os_platform", &bad), it.str("os_uname", &bad), it.str("os_version", &bad), it.str("version", &bad),
		it.int("last_keepalive", &bad), it.str("connection_status", &bad), it.int("disconnection_time", &bad),
		it.str("group_config_status", &bad), it.int("status_code", &bad), id}
	if bad {
		return errBadItem
	}
	// A value the table refuses (a CHECK) fails the request (the wrapper's step() throws);
	// what was written before stays.
	_, err := w.exec(ctx, "UPDATE agent SET config_sum = ?, ip = ?, manager_host = ?, merged_sum = ?, name = ?, "+
		"node_name = ?, os_arch = ?, os_build = ?, os_codename = ?, os_major = ?, os_minor = ?, os_name = ?, "+
		"os_platform = ?, os_uname = ?, os_version = ?, version = ?, last_keepalive = ?, connection_status = ?, "+
		"disconnection_time = ?, group_config_status = ?, status_code = ?, sync_status = 'synced' WHERE id = ?", args...)
	if err != nil {
		return err
	}
	if _, err := w.exec(ctx, "DELETE FROM labels WHERE id = ?", id); err != nil {
		return err
	}
	if raw, ok := it["labels"]; ok {
		var labels []item
		if json.Unmarshal(raw, &labels) != nil {
			return errBadItem
		}
		for _, l := range labels {
			k, v := l.str("key", &bad), l.str("value", &bad)
			if bad {
				return errBadItem
			}
			if _, err := w.exec(ctx, "INSERT INTO labels (id, key, value) VALUES (?, ?, ?)", id, k, v); err != nil {
				break // "Cannot set label for agent": the other labels are not tried
			}
		}
	}
	return nil
}

func (w *WazuhDB) applyKeepalive(ctx context.Context, it item) error {
	bad := false
	version, id := it.str("version", &bad), it.id(&bad)
	if bad {
		return errBadItem
	}
	_, err := w.exec(ctx, "UPDATE agent SET last_keepalive = STRFTIME('%s', 'NOW'), sync_status = 'synced', "+
		"connection_status = 'active', disconnection_time = 0, status_code = 0, version = ? WHERE id = ?", version, id)
	return err
}

func (w *WazuhDB) applyStatus(ctx context.Context, it item) error {
	bad := false
	args := []any{it.str("connection_status", &bad), it.int("disconnection_time", &bad), it.int("status_code", &bad),
		it.str("version", &bad), it.id(&bad)}
	if bad {
		return errBadItem
	}
	_, err := w.exec(ctx, "UPDATE agent SET connection_status = ?, sync_status = 'synced', disconnection_time = ?, "+
		"status_code = ?, version = ? WHERE id = ?", args...)
	return err
}

// postAgentsSummary is POST /v1/agents/summary (endpointPostV1AgentsSummary): without a body,
// the agents (000 left out) by connection status, and the five largest groups and platforms;
// with a body, the numbers in it are the ids to count.
func (w *WazuhDB) postAgentsSummary(rw http.ResponseWriter, body io.Reader) {
	raw, err := io.ReadAll(body)
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.mu.Lock()
	s, err := w.summary(context.Background(), raw)
	w.mu.Unlock()
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		return
	}
	out, _ := json.Marshal(s)
	rw.Header().Set("Content-Type", "application/json")
	_, _ = rw.Write(out)
}

type summaryDoc struct {
	ByStatus map[string]int64 `json:"agents_by_status,omitempty"`
	ByGroups map[string]int64 `json:"agents_by_groups,omitempty"`
	ByOS     map[string]int64 `json:"agents_by_os,omitempty"`
}

func (w *WazuhDB) summary(ctx context.Context, body []byte) (summaryDoc, error) {
	s := summaryDoc{ByStatus: map[string]int64{}, ByGroups: map[string]int64{}, ByOS: map[string]int64{}}
	if len(body) == 0 {
		for _, q := range []struct {
			query string
			into  map[string]int64
		}{
			{"SELECT COUNT(*) as quantity, connection_status AS status FROM agent WHERE id > 0 GROUP BY status ORDER BY status ASC limit 5", s.ByStatus},
			{"SELECT COUNT(*) as q, g.name AS group_name FROM belongs b JOIN 'group' g ON b.id_group=g.id WHERE b.id_agent > 0 " +
				"AND g.name IS NOT NULL AND g.name <> '' GROUP BY b.id_group ORDER BY q DESC LIMIT 5", s.ByGroups},
			{"SELECT COUNT(*) as quantity, os_platform AS platform FROM agent WHERE id > 0 AND os_platform IS NOT NULL " +
				"AND os_platform <> '' GROUP BY platform ORDER BY quantity DESC limit 5", s.ByOS},
		} {
			if err := countInto(ctx, w.db, q.query, q.into); err != nil {
				return s, err
			}
		}
		return s, nil
	}
	ids := map[int64]bool{}
	for _, n := range numbersIn(body) {
		ids[n] = true
	}
	for _, q := range []struct {
		query string
		into  map[string]int64
	}{
		{"SELECT id, connection_status AS status FROM agent WHERE id > 0", s.ByStatus},
		{"SELECT b.id_agent, g.name AS group_name FROM belongs b JOIN 'group' g ON b.id_group=g.id WHERE b.id_agent > 0 " +
			"AND g.name IS NOT NULL AND g.name <> ''", s.ByGroups},
		{"SELECT id, os_platform AS platform FROM agent WHERE id > 0 AND os_platform IS NOT NULL AND os_platform <> ''", s.ByOS},
	} {
		rows, err := w.db.QueryContext(ctx, q.query)
		if err != nil {
			return s, err
		}
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				rows.Close()
				return s, err
			}
			if ids[id] {
				q.into[key]++
			}
		}
		rows.Close()
	}
	return s, nil
}

// countInto reads (count, key) rows into m.
func countInto(ctx context.Context, db *sql.DB, query string, m map[string]int64) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var key string
		if err := rows.Scan(&n, &key); err != nil {
			return err
		}
		m[key] = n
	}
	return rows.Err()
}

// numbersIn finds the integers of a body as wazuh-db does: every run of digits and '-'.
func numbersIn(body []byte) []int64 {
	var out []int64
	for i := 0; i < len(body); {
		c := body[i]
		if (c < '0' || c > '9') && c != '-' {
			i++
			continue
		}
		j := i
		for j < len(body) && (body[j] >= '0' && body[j] <= '9' || body[j] == '-') {
			j++
		}
		if n, err := strconv.ParseInt(string(body[i:j]), 10, 32); err == nil {
			out = append(out, n)
		}
		i = j
	}
	return out
}

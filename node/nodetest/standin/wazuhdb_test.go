package standin

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// start runs a stand-in under a fresh home for the test.
func start(t *testing.T, opts WazuhDBOptions) *WazuhDB {
	t.Helper()
	w, err := StartWazuhDB(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// ask sends one request over the real socket and returns the answer text.
func ask(t *testing.T, w *WazuhDB, request string) string {
	t.Helper()
	c, err := net.Dial("unix", SocketPath(w.home))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(request)))
	if _, err := c.Write(append(out, request...)); err != nil {
		t.Fatal(err)
	}
	var head [4]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, binary.LittleEndian.Uint32(head[:]))
	if _, err := io.ReadFull(c, body); err != nil {
		t.Fatal(err)
	}
	return string(body)
}

func mustAnswer(t *testing.T, w *WazuhDB, request, want string) {
	t.Helper()
	if got := ask(t, w, request); got != want {
		t.Fatalf("%s\n answered %q\n want     %q", request, got, want)
	}
}

func seed(t *testing.T, w *WazuhDB, n int) {
	t.Helper()
	for id := 1; id <= n; id++ {
		if err := w.AddAgent(Agent{ID: id, Name: fmt.Sprintf("agent-%d", id)}); err != nil {
			t.Fatal(err)
		}
	}
}

// The group hashes are computed here apart from the node's code, on purpose; they must agree
// with wazuh-db's definition as the node (messages) and its embedded store compute it.
func TestGroupHashesMatchTheNodes(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	seed(t, w, 3)
	if err := w.CreateGroup("default", "g1", "g2"); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","sync_status":"syncreq","data":[{"id":1,"groups":["default","g1"]},{"id":3,"groups":["g2"]}]}`, "ok")
	_, hash := groupColumns([]string{"default", "g1"})
	if hash != messages.AgentGroupHash([]string{"default", "g1"}) || hash != wazuhdb.GroupHash([]string{"default", "g1"}) || hash != "7f8154fe" {
		t.Fatalf("agent group hash %v", hash)
	}
	got, ok, err := w.GlobalHash()
	want := messages.GlobalAgentGroupsHash([]string{messages.AgentGroupHash([]string{"default", "g1"}), messages.AgentGroupHash([]string{"g2"})})
	if err != nil || !ok || got != want || got != "6245b52f4d0e18a601745c3c9c1157f1b501f1eb" {
		t.Fatalf("global hash %q %v %v, want %q", got, ok, err, want)
	}
	mustAnswer(t, w, `global sync-agent-groups-get {"get_global_hash":true}`, `ok [{"data":[],"hash":"`+want+`"}]`)
}

// Pages stop before wazuh-db's response size ("due"); the caller pivots on the last id; the
// hash comes with the last page only; set_synced marks what it returns.
func TestSyncAgentGroupsGetPages(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	const agents = 600
	long := strings.Repeat("x", 200) // about 250 bytes an agent: several pages
	var data []string
	for id := 1; id <= agents; id++ {
		if err := w.AddAgent(Agent{ID: id, Name: fmt.Sprintf("%s-%d", long, id)}); err != nil {
			t.Fatal(err)
		}
		data = append(data, fmt.Sprintf(`{"id":%d,"groups":["default"]}`, id))
	}
	if err := w.CreateGroup("default"); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","sync_status":"syncreq","data":[`+strings.Join(data, ",")+`]}`, "ok")
	last, pages, seen := 0, 0, 0
	for {
		answer := ask(t, w, fmt.Sprintf(`global sync-agent-groups-get {"condition":"sync_status","last_id":%d,"set_synced":false,"get_global_hash":true}`, last))
		status, payload, _ := strings.Cut(answer, " ")
		if len(answer) >= messages.WazuhDBMaxResponseSize {
			t.Fatalf("page of %d bytes", len(answer))
		}
		page, err := messages.ParseAgentGroupsChunk(payload)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		seen += len(page.Data)
		if status == "due" {
			if page.HasHash || page.HashNull || len(page.Data) == 0 {
				t.Fatalf("due page %d: hash %v/%v, %d agents", pages, page.HasHash, page.HashNull, len(page.Data))
			}
			last = page.Data[len(page.Data)-1].ID
			continue
		}
		if status != "ok" || !page.HasHash {
			t.Fatalf("last page %q", answer[:80])
		}
		break
	}
	if seen != agents || pages < 3 {
		t.Fatalf("%d agents in %d pages", seen, pages)
	}
	// Nothing was marked; now read with set_synced as Wazuh's master does, without a pivot.
	pending, _ := w.Count("SELECT COUNT(*) FROM agent WHERE group_sync_status = 'syncreq'")
	if pending != agents {
		t.Fatalf("%d pending after reads without set_synced", pending)
	}
	for answer := "due"; strings.HasPrefix(answer, "due"); {
		answer = ask(t, w, `global sync-agent-groups-get {"condition":"sync_status","set_synced":true}`)
	}
	if pending, _ = w.Count("SELECT COUNT(*) FROM agent WHERE group_sync_status = 'syncreq'"); pending != 0 {
		t.Fatalf("%d pending after reads with set_synced", pending)
	}
}

// Agents registered this very second are left for the next read (date_add < now - delta).
func TestSyncAgentGroupsGetSkipsJustRegisteredAgents(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	if err := w.CreateGroup("default"); err != nil {
		t.Fatal(err)
	}
	if err := w.AddAgent(Agent{ID: 1, Name: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Exec("INSERT INTO agent (id, name, date_add) VALUES (2, 'new', strftime('%s','now') + 5)"); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, `global sync-agent-groups-get {"condition":"all"}`, `ok [{"data":[{"id":1,"name":"old","groups":[]}]}]`)
}

// set-agent-groups: the modes, groups that must exist, and the name a worker needs.
func TestSetAgentGroupsModes(t *testing.T) {
	w := start(t, WazuhDBOptions{Worker: true})
	seed(t, w, 1)
	if err := w.CreateGroup("default", "a", "b"); err != nil {
		t.Fatal(err)
	}
	groups := func(id int) []string {
		g, err := w.Groups(id)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	// A worker needs the agent's name to override, and creates an agent it does not have.
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","sync_status":"synced","data":[{"id":1,"groups":["a"]}]}`,
		"err An error occurred during the set of the groups")
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","sync_status":"synced","data":[{"id":1,"name":"agent-1","groups":["a"]},{"id":7,"name":"seven","groups":["b","a"]}]}`, "ok")
	if !slices.Equal(groups(1), []string{"a"}) || !slices.Equal(groups(7), []string{"b", "a"}) {
		t.Fatalf("groups %v %v", groups(1), groups(7))
	}
	row, ok, err := w.Agent(7)
	if err != nil || !ok || row.Str("name") != "seven" || row.Str("group") != "b,a" || row.Str("group_hash") != messages.AgentGroupHash([]string{"b", "a"}) ||
		row.Str("connection_status") != "never_connected" || row.Str("group_sync_status") != "synced" {
		t.Fatalf("created agent %v %v %v", row, ok, err)
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"append","sync_status":"syncreq","data":[{"id":1,"groups":["b"]}]}`, "ok")
	mustAnswer(t, w, `global set-agent-groups {"mode":"empty_only","data":[{"id":1,"groups":["default"]}]}`, "ok")
	if !slices.Equal(groups(1), []string{"a", "b"}) {
		t.Fatalf("after append and empty_only: %v", groups(1))
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"remove","data":[{"id":1,"groups":["a","b"]}]}`, "ok")
	if !slices.Equal(groups(1), []string{"default"}) {
		t.Fatalf("after removing every group: %v", groups(1))
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","data":[{"id":1,"name":"agent-1","groups":["missing"]}]}`,
		"err An error occurred during the set of the groups")
	mustAnswer(t, w, `global set-agent-groups {"mode":"bogus","data":[]}`, "err Invalid mode 'bogus' in set_agent_groups command")
	mustAnswer(t, w, `global set-agent-groups {"data":[]}`, "err Invalid JSON data, missing required fields")
	mustAnswer(t, w, `global set-agent-groups {`, "err Invalid JSON syntax, near '{'")
}

// recalculate-agent-group-hashes rebuilds the columns from the memberships where the group
// column differs, and leaves group_sync_status alone.
func TestRecalculateAgentGroupHashes(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	seed(t, w, 2)
	if err := w.CreateGroup("default"); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, `global set-agent-groups {"mode":"override","sync_status":"syncreq","data":[{"id":1,"groups":["default"]}]}`, "ok")
	if err := w.Exec("UPDATE agent SET `group` = 'stale', group_hash = 'deadbeef' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, "global recalculate-agent-group-hashes", "ok")
	row, _, _ := w.Agent(1)
	if row.Str("group") != "default" || row.Str("group_hash") != messages.AgentGroupHash([]string{"default"}) || row.Str("group_sync_status") != "syncreq" {
		t.Fatalf("after recalculation: %v", row)
	}
}

// global sql runs any statement and answers its rows; an answer larger than wazuh-db's buffer
// is cut at it.
func TestSQL(t *testing.T) {
	w := start(t, WazuhDBOptions{NodeName: "master-node"})
	seed(t, w, 600)
	mustAnswer(t, w, "global sql SELECT id, name, node_name, version FROM agent WHERE id < 2 ORDER BY id",
		`ok [{"id":0,"name":"`+mustHost(t)+`","node_name":"master-node","version":"Wazuh v4.14.7"},{"id":1,"name":"agent-1","node_name":"unknown"}]`)
	mustAnswer(t, w, "global sql UPDATE agent SET node_name = 'w1' WHERE id = 1", "ok []")
	if n, _ := w.Count("SELECT COUNT(*) FROM agent WHERE node_name = 'w1'"); n != 1 {
		t.Fatalf("the UPDATE changed %d rows", n)
	}
	if got := ask(t, w, "global sql SELECT * FROM agent"); len(got) != maxStr {
		t.Fatalf("a large answer is %d bytes, want cut at %d", len(got), maxStr)
	}
	if got := ask(t, w, "global sql SELECT nothing FROM nowhere"); !strings.HasPrefix(got, "err Cannot execute Global database query; ") {
		t.Fatalf("a bad statement answered %q", got)
	}
	mustAnswer(t, w, "global frobnicate", "err Invalid DB query syntax, near 'frobnicate'")
}

func mustHost(t *testing.T) string {
	t.Helper()
	var host string
	w := start(t, WazuhDBOptions{})
	row, _, err := w.Agent(0)
	if err != nil {
		t.Fatal(err)
	}
	host = row.Str("name")
	return host
}

// httpDo sends one request to the stand-in's HTTP socket.
func httpDo(t *testing.T, w *WazuhDB, method, path, body string) (int, string) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", HTTPSocketPath(w.home))
	}}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequest(method, "http://localhost"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// GET /v1/agents/sync hands over what changed and marks every agent synced; POST writes only
// the agents the database has, replaces labels, and a keepalive makes an agent active now.
func TestAgentsSyncBothWays(t *testing.T) {
	worker := start(t, WazuhDBOptions{Worker: true, NodeName: "worker1"})
	master := start(t, WazuhDBOptions{NodeName: "master"})
	seed(t, worker, 3)
	seed(t, master, 2) // agent 3 is unknown to the master
	if err := worker.ReportKeepalive(Report{ID: 1, Version: "Wazuh v4.14.7", OSName: "Debian", OSPlatform: "debian",
		NodeName: "worker1", Labels: map[string]string{"env": "prod"}}); err != nil {
		t.Fatal(err)
	}
	if err := worker.ReportKeepalive(Report{ID: 3, Version: "Wazuh v4.14.7", NodeName: "worker1"}); err != nil {
		t.Fatal(err)
	}
	if err := worker.ReportDisconnected(2); err != nil {
		t.Fatal(err)
	}
	status, body := httpDo(t, worker, http.MethodGet, "/v1/agents/sync", "")
	if status != http.StatusOK || !strings.HasPrefix(body, `{"syncreq":[{"id":1,"name":"agent-1","ip":"any","os_name":"Debian"`) ||
		!strings.Contains(body, `"labels":[{"key":"env","value":"prod"}]}`) || !strings.Contains(body, `"syncreq_status":[{"id":2,"connection_status":"disconnected","disconnection_time":`) ||
		strings.Contains(body, "syncreq_keepalive") {
		t.Fatalf("GET answered %d %s", status, body)
	}
	chunks, err := messages.ParseAgentInfoChunks([]byte(body))
	if err != nil || len(chunks.Syncreq) != 2 || len(chunks.Status) != 1 {
		t.Fatalf("the answer parses to %+v, %v", chunks, err)
	}
	if _, again := httpDo(t, worker, http.MethodGet, "/v1/agents/sync", ""); again != "{}" {
		t.Fatalf("a second GET answered %s, want {} (the first marked everything synced)", again)
	}

	// The master takes it as Wazuh's master posts it.
	if err := master.Exec("INSERT INTO labels (id, key, value) VALUES (1, 'old', 'gone')"); err != nil {
		t.Fatal(err)
	}
	status, _ = httpDo(t, master, http.MethodPost, "/v1/agents/sync", body)
	if status != http.StatusOK {
		t.Fatalf("POST answered %d", status)
	}
	row, _, _ := master.Agent(1)
	labels, _ := master.Labels(1)
	if row.Str("os_name") != "Debian" || row.Str("node_name") != "worker1" || row.Str("connection_status") != "active" ||
		row.Str("sync_status") != "synced" || len(labels) != 1 || labels["env"] != "prod" {
		t.Fatalf("master's agent 1: %v %v", row, labels)
	}
	if row, _, _ := master.Agent(2); row.Str("connection_status") != "disconnected" || row.Int("disconnection_time") == 0 {
		t.Fatalf("master's agent 2: %v", row)
	}
	if _, ok, _ := master.Agent(3); ok {
		t.Fatal("the master created agent 3")
	}
	status, _ = httpDo(t, master, http.MethodPost, "/v1/agents/sync", `{"syncreq_keepalive":[{"id":2,"version":"Wazuh v4.14.8"}]}`)
	if row, _, _ := master.Agent(2); status != http.StatusOK || row.Str("connection_status") != "active" || row.Str("version") != "Wazuh v4.14.8" || row.Int("last_keepalive") == 0 {
		t.Fatalf("keepalive: %d %v", status, row)
	}
	for _, bad := range []string{`{"syncreq":[{"name":"no id"}]}`, `not json`, `{"syncreq_status":[{"id":1,"status_code":"x"}]}`,
		`{"syncreq_status":[{"id":1,"connection_status":"bogus"}]}`} {
		if status, _ := httpDo(t, master, http.MethodPost, "/v1/agents/sync", bad); status != http.StatusInternalServerError {
			t.Errorf("POST %s answered %d, want 500", bad, status)
		}
	}
	if status, _ := httpDo(t, master, http.MethodGet, "/v1/nothing", ""); status != http.StatusNotFound {
		t.Errorf("an unknown endpoint answered %d", status)
	}
}

func TestAgentsSummary(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	seed(t, w, 3)
	if err := w.ReportKeepalive(Report{ID: 1, OSPlatform: "ubuntu"}); err != nil {
		t.Fatal(err)
	}
	status, body := httpDo(t, w, http.MethodPost, "/v1/agents/summary", "")
	var s map[string]map[string]int
	if err := json.Unmarshal([]byte(body), &s); status != http.StatusOK || err != nil ||
		s["agents_by_status"]["active"] != 1 || s["agents_by_status"]["never_connected"] != 2 || s["agents_by_os"]["ubuntu"] != 1 {
		t.Fatalf("summary %d %s", status, body)
	}
	_, body = httpDo(t, w, http.MethodPost, "/v1/agents/summary", "[2, 3]")
	if err := json.Unmarshal([]byte(body), &s); err != nil || s["agents_by_status"]["never_connected"] != 2 || s["agents_by_status"]["active"] != 0 {
		t.Fatalf("summary of 2 and 3: %s", body)
	}
}

// Stop makes both sockets refuse; Start serves the same database again.
func TestStopAndStart(t *testing.T) {
	w := start(t, WazuhDBOptions{})
	seed(t, w, 1)
	w.Stop()
	if c, err := net.Dial("unix", SocketPath(w.home)); err == nil {
		c.Close()
		t.Fatal("the socket still accepts after Stop")
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, w, "global sql SELECT name FROM agent WHERE id = 1", `ok [{"name":"agent-1"}]`)
	restore := w.FailCommands("global sql", "err injected")
	mustAnswer(t, w, "global sql SELECT 1", "err injected")
	restore()
	mustAnswer(t, w, "global sql SELECT 1 AS one", `ok [{"one":1}]`)
	if w.Commands("global sql") != 3 {
		t.Fatalf("counted %d sql commands", w.Commands("global sql"))
	}
}

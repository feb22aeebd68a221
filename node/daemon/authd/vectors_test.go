package authd

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const vectorsPath = "../../../testdata/vectors/agent/enrollment.json"

var keyShape = regexp.MustCompile(`^[0-9a-f]{64}$`)

type enrollmentVectors struct {
	Fixed struct {
		Time            int64  `json:"time"`
		ManagerHostname string `json:"manager_hostname"`
	} `json:"fixed"`
	ClientKeysBefore []string `json:"client_keys_before"`
	AgentInfoBefore  map[string]struct {
		ConnectionStatus  string `json:"connection_status"`
		DisconnectionTime int64  `json:"disconnection_time"`
		DateAdd           int64  `json:"date_add"`
	} `json:"agent_info_before (wazuh-db global get-agent-info)"`
	KeyedAgentKeyHash string           `json:"keyed_agent_key_hash"`
	Scenarios         []vectorScenario `json:"scenarios"`
}

type vectorScenario struct {
	Name            string            `json:"name"`
	Config          map[string]string `json:"config"`
	ClientKeysAfter []string          `json:"client_keys_after"`
	Cases           []vectorCase      `json:"cases"`
}

type vectorCase struct {
	SourceIP         string  `json:"source_ip"`
	Request          string  `json:"request"`
	Reply            string  `json:"reply"`
	GroupsAfterDedup *string `json:"groups_after_dedup"`
	JSONRequest      string  `json:"json_request"`
	JSONReply        string  `json:"json_reply"`
}

func loadVectors(t testing.TB) enrollmentVectors {
	t.Helper()
	raw, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var v enrollmentVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("parse vectors: %v", err)
	}
	return v
}

// vectorGroupFolders are the etc/shared folders the vectors assume: the groups of successful
// requests and the 128 groups counted before "Maximum multigroup reached"; "nonexistent" must
// not exist.
func vectorGroupFolders() []string {
	groups := []string{"default", "web"}
	for i := 0; i < maxGroupsPerMultigroup; i++ {
		groups = append(groups, fmt.Sprintf("g%03d", i))
	}
	return groups
}

func makeSharedDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, g := range vectorGroupFolders() {
		if err := os.Mkdir(filepath.Join(dir, g), 0o750); err != nil {
			t.Fatalf("create group folder: %v", err)
		}
	}
	return dir
}

func vectorConfig(v enrollmentVectors, sharedDir string) Config {
	cfg := DefaultConfig()
	cfg.ManagerHostname = v.Fixed.ManagerHostname
	cfg.ManagerVersion = "v4.14.7"
	cfg.SharedDir = sharedDir
	now := time.Unix(v.Fixed.Time, 0)
	cfg.Now = func() time.Time { return now }
	return cfg
}

func vectorStore(t testing.TB, v enrollmentVectors) *MemStore {
	t.Helper()
	st := NewMemStore()
	if err := st.LoadClientKeys(v.ClientKeysBefore); err != nil {
		t.Fatalf("load client keys: %v", err)
	}
	for id, info := range v.AgentInfoBefore {
		n, ok := parseStoredID(id)
		if !ok {
			t.Fatalf("agent info id %q", id)
		}
		if err := st.SetAgentInfo(n, info.ConnectionStatus, info.DisconnectionTime, info.DateAdd); err != nil {
			t.Fatalf("set agent info: %v", err)
		}
	}
	return st
}

func applyScenarioConfig(t *testing.T, cfg *Config, sc vectorScenario) {
	for k, val := range sc.Config {
		switch k {
		case "AUTHPASS":
			cfg.Password = val
		case "F_ENABLED":
			cfg.Force.Enabled = val != "0"
		default:
			t.Fatalf("scenario %s: unknown config %s", sc.Name, k)
		}
	}
}

func TestEnrollmentVectors(t *testing.T) {
	v := loadVectors(t)
	if got := countCases(v); got != 66 {
		t.Fatalf("vector file has %d cases, want 66", got)
	}
	sharedDir := makeSharedDir(t)
	knownKeys := map[string]bool{}
	for _, line := range v.ClientKeysBefore {
		knownKeys[keysLineFields(line)[3]] = true
	}
	for _, sc := range v.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			cfg := vectorConfig(v, sharedDir)
			applyScenarioConfig(t, &cfg, sc)
			st := vectorStore(t, v)
			changes := 0
			svc := NewMaster(cfg, st, func(context.Context) error { changes++; return nil })
			for i, c := range sc.Cases {
				t.Run(fmt.Sprintf("%02d", i+1), func(t *testing.T) {
					if c.JSONRequest != "" {
						if reply, ok := jsonDeviations[c.JSONRequest]; ok {
							c.JSONReply = reply
						}
						checkJSONCase(t, svc, c, knownKeys)
						return
					}
					got := svc.Enroll(context.Background(), []byte(c.Request), net.ParseIP(c.SourceIP))
					compareReply(t, c.Request, got, c.Reply)
				})
			}
			want := sc.ClientKeysAfter
			if deviate, ok := keysAfterDeviations[sc.Name]; ok {
				want = deviate(want)
			}
			compareClientKeys(t, st.ClientKeysLines(), want, knownKeys)
			if changes == 0 && len(sc.ClientKeysAfter) != len(v.ClientKeysBefore) {
				t.Errorf("afterChange never ran")
			}
		})
	}
}

// jsonDeviations are the JSON API answers where clusterd differs from the authd that produced
// the vectors: authd's API takes any agent name, clusterd gives it the enrollment port's check.
var jsonDeviations = map[string]string{
	`{"arguments": {"name": "bad name!", "ip": "any"}, "function": "add"}`: `{"error":9005,"message":"No such name"}`,
}

// keysAfterDeviations turn a scenario's client.keys into what clusterd leaves, given
// jsonDeviations.
var keysAfterDeviations = map[string]func([]string) []string{
	// Without "010 bad name!" the removal of 004 moves the then-last entry, 009 web01, into its
	// place (authd deletes a key by moving the last one into its slot).
	"local_json_api": func(lines []string) []string {
		var out []string
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "010 bad name! "):
				out = append(out, linesWithPrefix(lines, "009 web01 ")...)
			case strings.HasPrefix(l, "009 web01 "):
			default:
				out = append(out, l)
			}
		}
		return out
	},
}

func linesWithPrefix(lines []string, prefix string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func countCases(v enrollmentVectors) int {
	n := 0
	for _, sc := range v.Scenarios {
		n += len(sc.Cases)
	}
	return n
}

func checkJSONCase(t *testing.T, svc *Service, c vectorCase, knownKeys map[string]bool) {
	t.Helper()
	var req struct {
		Arguments struct {
			Key string `json:"key"`
		} `json:"arguments"`
	}
	_ = json.Unmarshal([]byte(c.JSONRequest), &req)
	if req.Arguments.Key != "" {
		knownKeys[req.Arguments.Key] = true
	}
	got := string(svc.HandleJSON(context.Background(), []byte(c.JSONRequest)))
	want := c.JSONReply
	if req.Arguments.Key == "" {
		got, want = maskJSONKey(t, got), maskJSONKey(t, want)
	}
	if got != want {
		t.Errorf("request %s\n got %s\nwant %s", c.JSONRequest, got, want)
	}
}

var jsonKeyField = regexp.MustCompile(`"key":"([^"]*)"`)

// maskJSONKey replaces a generated key, after checking its shape, so replies compare exactly.
func maskJSONKey(t *testing.T, reply string) string {
	t.Helper()
	m := jsonKeyField.FindStringSubmatch(reply)
	if m == nil {
		return reply
	}
	if !keyShape.MatchString(m[1]) {
		t.Errorf("generated key %q is not 64 lowercase hex characters", m[1])
	}
	return strings.Replace(reply, m[0], `"key":"<generated>"`, 1)
}

var okReply = regexp.MustCompile(`^OSSEC K:'(\S+) (\S+) (\S+) (\S+)'$`)

func compareReply(t *testing.T, request, got, want string) {
	t.Helper()
	wm := okReply.FindStringSubmatch(want)
	if wm == nil {
		if got != want {
			t.Errorf("request %q\n got %q\nwant %q", request, got, want)
		}
		return
	}
	gm := okReply.FindStringSubmatch(got)
	if gm == nil {
		t.Fatalf("request %q\n got %q\nwant %q", request, got, want)
	}
	if !slices.Equal(gm[1:4], wm[1:4]) {
		t.Errorf("request %q: got id/name/ip %v, want %v", request, gm[1:4], wm[1:4])
	}
	if !keyShape.MatchString(gm[4]) {
		t.Errorf("request %q: generated key %q is not 64 lowercase hex characters", request, gm[4])
	}
}

func compareClientKeys(t *testing.T, got, want []string, knownKeys map[string]bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("client.keys has %d lines, want %d\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := keysLineFields(got[i]), keysLineFields(want[i])
		if !slices.Equal(g[:3], w[:3]) {
			t.Errorf("client.keys line %d: got %q, want %q", i+1, got[i], want[i])
			continue
		}
		if knownKeys[w[3]] {
			if g[3] != w[3] {
				t.Errorf("client.keys line %d: key changed: got %q, want %q", i+1, got[i], want[i])
			}
		} else if !keyShape.MatchString(g[3]) {
			t.Errorf("client.keys line %d: generated key %q has the wrong shape", i+1, g[3])
		}
	}
}

// keysLineFields splits "<id> <name> <ip> <key>" keeping a name with spaces (the JSON API
// accepts one) whole.
func keysLineFields(line string) [4]string {
	f := strings.Fields(line)
	if len(f) < 4 {
		return [4]string{line}
	}
	return [4]string{f[0], strings.Join(f[1:len(f)-2], " "), f[len(f)-2], f[len(f)-1]}
}

func TestVectorGroupsAfterDedup(t *testing.T) {
	v := loadVectors(t)
	for _, sc := range v.Scenarios {
		for _, c := range sc.Cases {
			if c.GroupsAfterDedup == nil || sc.Config["AUTHPASS"] != "" {
				continue
			}
			req, err := ParseRequest([]byte(c.Request))
			if err != nil {
				t.Errorf("ParseRequest(%q): %v", c.Request, err)
				continue
			}
			if !req.HasGroups || req.Groups != *c.GroupsAfterDedup {
				t.Errorf("ParseRequest(%q) groups = %q, want %q", c.Request, req.Groups, *c.GroupsAfterDedup)
			}
		}
	}
}

func TestVectorKeyedAgentHash(t *testing.T) {
	v := loadVectors(t)
	st := vectorStore(t, v)
	a, ok, err := st.AgentByName(context.Background(), "keyed")
	if err != nil || !ok {
		t.Fatalf("agent keyed: %v %v", ok, err)
	}
	if got := KeyHash(a); got != v.KeyedAgentKeyHash {
		t.Fatalf("KeyHash = %s, want %s", got, v.KeyedAgentKeyHash)
	}
}

func TestVectorStoredGroups(t *testing.T) {
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	st := vectorStore(t, v)
	svc := NewMaster(cfg, st, nil)
	ctx := context.Background()
	reply := svc.Enroll(ctx, []byte("OSSEC A:'grouped' G:'web,default,web'\n"), net.ParseIP("10.9.0.1"))
	if !strings.HasPrefix(reply, "OSSEC K:'007 grouped any ") {
		t.Fatalf("reply %q", reply)
	}
	reply = svc.Enroll(ctx, []byte("OSSEC A:'plain'\n"), net.ParseIP("10.9.0.2"))
	if !strings.HasPrefix(reply, "OSSEC K:'008 plain any ") {
		t.Fatalf("reply %q", reply)
	}
	grouped, _, _ := st.AgentByName(ctx, "grouped")
	if !slices.Equal(grouped.Groups, []string{"web", "default"}) {
		t.Errorf("groups = %q, want [web default]", grouped.Groups)
	}
	if grouped.ConnectionStatus != StatusNeverConnected || grouped.DateAdd != v.Fixed.Time {
		t.Errorf("new agent info = %q/%d", grouped.ConnectionStatus, grouped.DateAdd)
	}
	plain, _, _ := st.AgentByName(ctx, "plain")
	if len(plain.Groups) != 0 {
		t.Errorf("agent without G: got groups %q", plain.Groups)
	}
}

package authd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReplaceRefusal(t *testing.T) {
	now := time.Unix(1700000000, 0)
	old := now.Unix() - 7200
	recent := now.Unix() - 600
	base := Agent{ID: 1, Name: "web01", Key: "k", DateAdd: old, ConnectionStatus: StatusDisconnected, DisconnectionTime: old}
	hash := KeyHash(base)
	other := strings.Repeat("0", 40)
	with := func(f func(*Agent)) Agent { a := base; f(&a); return a }
	forceWith := func(f func(*ForceConfig)) ForceConfig { c := DefaultForceConfig(); f(&c); return c }
	cases := []struct {
		name    string
		agent   Agent
		hash    *string
		force   ForceConfig
		refused string
	}{
		{"long disconnected", base, nil, DefaultForceConfig(), ""},
		{"force disabled", base, nil, forceWith(func(c *ForceConfig) { c.Enabled = false }), "force option is disabled"},
		{"no agent info", with(func(a *Agent) { a.ConnectionStatus = "" }), nil, DefaultForceConfig(), "Failed to get agent-info"},
		{"recently disconnected", with(func(a *Agent) { a.DisconnectionTime = recent }), nil, DefaultForceConfig(), "not been disconnected long enough"},
		{"recently disconnected, rule off", with(func(a *Agent) { a.DisconnectionTime = recent }), nil,
			forceWith(func(c *ForceConfig) { c.DisconnectedTimeEnabled = false }), ""},
		{"active", with(func(a *Agent) { a.ConnectionStatus = "active"; a.DisconnectionTime = 0 }), nil, DefaultForceConfig(), "not disconnected"},
		{"active with stale disconnection time", with(func(a *Agent) { a.ConnectionStatus = "active" }), nil, DefaultForceConfig(), ""},
		{"never connected, old", with(func(a *Agent) { a.ConnectionStatus = StatusNeverConnected; a.DisconnectionTime = 0 }), nil, DefaultForceConfig(), ""},
		{"never connected, fresh", with(func(a *Agent) {
			a.ConnectionStatus = StatusNeverConnected
			a.DisconnectionTime = 0
			a.DateAdd = recent
		}), nil, DefaultForceConfig(), "registration time"},
		{"fresh, registration rule off", with(func(a *Agent) { a.DateAdd = recent }), nil,
			forceWith(func(c *ForceConfig) { c.AfterRegistrationTime = 0 }), ""},
		{"same key", base, &hash, DefaultForceConfig(), "key already exists"},
		{"same key, mismatch rule off", base, &hash, forceWith(func(c *ForceConfig) { c.KeyMismatch = false }), ""},
		{"other key", base, &other, DefaultForceConfig(), ""},
	}
	for _, c := range cases {
		got := replaceRefusal(c.agent, c.hash, c.force, now)
		if (c.refused == "") != (got == "") || !strings.Contains(got, c.refused) {
			t.Errorf("%s: refusal %q, want %q", c.name, got, c.refused)
		}
	}
}

func newVectorMaster(t *testing.T, afterChange func(context.Context) error) (*Service, *MemStore, Config) {
	t.Helper()
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	st := vectorStore(t, v)
	return NewMaster(cfg, st, afterChange), st, cfg
}

func TestMasterAfterChangeFailureRollsBack(t *testing.T) {
	fail := true
	svc, st, _ := newVectorMaster(t, func(context.Context) error {
		if fail {
			return errors.New("disk full")
		}
		return nil
	})
	ctx := context.Background()
	got := svc.Enroll(ctx, []byte("OSSEC A:'new01'\n"), net.ParseIP("10.0.7.1"))
	if got != "ERROR: Internal manager error adding agent: new01. Unable to add agent" {
		t.Fatalf("reply %q", got)
	}
	if _, ok, _ := st.AgentByName(ctx, "new01"); ok {
		t.Fatal("agent kept although its keys were not saved")
	}
	fail = false
	if got := svc.Enroll(ctx, []byte("OSSEC A:'new01'\n"), net.ParseIP("10.0.7.1")); !strings.HasPrefix(got, "OSSEC K:'008 new01 any ") {
		t.Fatalf("retry reply %q", got)
	}
	reply := string(svc.HandleJSON(ctx, []byte(`{"function":"add","arguments":{"name":"new02","ip":"any"}}`)))
	if !strings.HasPrefix(reply, `{"error":0,"data":{"id":"009"`) {
		t.Fatalf("JSON reply %s", reply)
	}
}

func TestMasterUndoPurges(t *testing.T) {
	changes := 0
	svc, st, _ := newVectorMaster(t, func(context.Context) error { changes++; return nil })
	ctx := context.Background()
	reply, undo := svc.enroll(ctx, []byte("OSSEC A:'lost01'\n"), net.ParseIP("10.0.7.2"))
	if !strings.HasPrefix(reply, "OSSEC K:'007 lost01 any ") || undo == nil {
		t.Fatalf("reply %q", reply)
	}
	undo(ctx)
	if _, ok, _ := st.AgentByName(ctx, "lost01"); ok {
		t.Fatal("agent kept after undo")
	}
	for _, line := range st.ClientKeysLines() {
		if strings.Contains(line, "lost01") {
			t.Fatalf("undo left %q", line)
		}
	}
	if changes != 2 {
		t.Fatalf("afterChange ran %d times, want 2", changes)
	}
	if got := svc.Enroll(ctx, []byte("OSSEC A:'next01'\n"), net.ParseIP("10.0.7.3")); !strings.HasPrefix(got, "OSSEC K:'008 ") {
		t.Fatalf("ids must not be reused: %q", got)
	}
}

func TestMasterUseSourceIP(t *testing.T) {
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	cfg.UseSourceIP = true
	svc := NewMaster(cfg, vectorStore(t, v), nil)
	got := svc.Enroll(context.Background(), []byte("OSSEC A:'src01'\n"), net.ParseIP("::ffff:10.0.7.4"))
	if !strings.HasPrefix(got, "OSSEC K:'007 src01 10.0.7.4 ") {
		t.Fatalf("reply %q", got)
	}
	got = svc.Enroll(context.Background(), []byte("OSSEC A:'src02'\n"), net.ParseIP("2001:db8::9"))
	if !strings.HasPrefix(got, "OSSEC K:'008 src02 2001:0DB8:0000:0000:0000:0000:0000:0009 ") {
		t.Fatalf("reply %q", got)
	}
}

func TestMasterPurgeConfig(t *testing.T) {
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	cfg.Purge = true
	st := vectorStore(t, v)
	svc := NewMaster(cfg, st, nil)
	if got := svc.Enroll(context.Background(), []byte("OSSEC A:'web01'\n"), nil); !strings.HasPrefix(got, "OSSEC K:'007 web01 any ") {
		t.Fatalf("reply %q", got)
	}
	for _, line := range st.ClientKeysLines() {
		if strings.HasPrefix(line, "001 ") {
			t.Fatalf("purge kept %q", line)
		}
	}
}

func TestMasterAllowHigherVersions(t *testing.T) {
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	cfg.AllowHigherVersions = true
	svc := NewMaster(cfg, vectorStore(t, v), nil)
	if got := svc.Enroll(context.Background(), []byte("OSSEC A:'future' V:'v9.0.0'\n"), nil); !strings.HasPrefix(got, "OSSEC K:'007 future any ") {
		t.Fatalf("reply %q", got)
	}
}

func TestMasterConcurrentEnrollments(t *testing.T) {
	svc, st, _ := newVectorMaster(t, nil)
	const n = 100
	replies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = svc.Enroll(context.Background(), fmt.Appendf(nil, "OSSEC A:'conc%03d'\n", i), net.ParseIP("10.0.8.1"))
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, r := range replies {
		m := okReply.FindStringSubmatch(r)
		if m == nil || ids[m[1]] {
			t.Fatalf("reply %q (duplicate or refused)", r)
		}
		ids[m[1]] = true
	}
	if got := len(st.Agents()); got != 5+n {
		t.Fatalf("%d active agents, want %d", got, 5+n)
	}
}

func TestJSONAPIEdges(t *testing.T) {
	svc, st, _ := newVectorMaster(t, nil)
	ctx := context.Background()
	cases := []struct{ req, want string }{
		{`{"FUNCTION":"get","Arguments":{"ID":"003"}}`, `{"error":0,"data":{"id":"003","name":"cache01","ip":"10.0.0.3","key":"ff1ea5ee3e03c01885fc636d244a578c8c0dd6e6ad0e93aa1db7dd881c529f60"}}`},
		{`{"function":"get","arguments":{"id":"003"}} trailing`, `{"error":0,"data":{"id":"003","name":"cache01","ip":"10.0.0.3","key":"ff1ea5ee3e03c01885fc636d244a578c8c0dd6e6ad0e93aa1db7dd881c529f60"}}`},
		{`{"function":"get","function":"remove","arguments":{"id":"003"}}`, `{"error":0,"data":{"id":"003","name":"cache01","ip":"10.0.0.3","key":"ff1ea5ee3e03c01885fc636d244a578c8c0dd6e6ad0e93aa1db7dd881c529f60"}}`},
		{`{"function":"get","arguments":{"id":"3"}}`, `{"error":9011,"message":"Agent ID not found"}`},
		{`{"function":"get","arguments":{"id":"005"}}`, `{"error":9011,"message":"Agent ID not found"}`},
		{`{"function":"get","arguments":{}}`, `{"error":9010,"message":"No such agent ID"}`},
		{`{"function":"get","arguments":{"id":3}}`, `{"error":9010,"message":"No such agent ID"}`},
		{`{"function":"remove"}`, `{"error":9004,"message":"No such argument"}`},
		{`{"function":"add"}`, `{"error":9004,"message":"No such argument"}`},
		{`{"function":7}`, `{"error":9001,"message":"Internal error"}`},
		{` {"function":"get"}`, `{"error":9002,"message":"Parsing JSON input"}`},
		{`getconfig auth`, `{"error":9002,"message":"Parsing JSON input"}`},
		{`{"function":"add","arguments":{"name":"x1","ip":"any","force":{"enabled":true,"key_mismatch":true,"disconnected_time":{"enabled":true,"value":"2x"},"after_registration_time":0}}}`, `{"error":9002,"message":"Parsing JSON input"}`},
		{`{"function":"add","arguments":{"name":"x2","ip":"any","id":"abc"}}`, `{"error":9009,"message":"Issue generating key"}`},
		{`{"function":"add","arguments":{"name":"x3","ip":"any","key":"a b"}}`, `{"error":9009,"message":"Issue generating key"}`},
		{`{"function":"add","arguments":{"name":"x4","ip":"any","groups":"a/b"}}`, `{"error":9014,"message":"Invalid Group(s) Name(s)"}`},
		{`{"function":"add","arguments":{"name":"x5","ip":"any","groups":"../default"}}`, `{"error":9014,"message":"Invalid Group(s) Name(s)"}`},
		{`{"function":"add","arguments":{"name":"q\"\\\n\u0001é","ip":"any","key":"kkkk","id":"200"}}`, `{"error":9005,"message":"No such name"}`},
		{`{"function":"add","arguments":{"name":"esc01","ip":"any","key":"k\"\\é","id":"200"}}`, `{"error":0,"data":{"id":"200","name":"esc01","ip":"any","key":"k\"\\é"}}`},
		{`{"function":"add","arguments":{"name":"x6","ip":"10.0.0.3","id":"005","key":"kk","force":{"enabled":true,"key_mismatch":true,"disconnected_time":{"enabled":false,"value":"1h"},"after_registration_time":"1h"}}}`, `{"error":0,"data":{"id":"005","name":"x6","ip":"10.0.0.3","key":"kk"}}`},
	}
	for _, c := range cases {
		if got := string(svc.HandleJSON(ctx, []byte(c.req))); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.req, got, c.want)
		}
	}
	for _, line := range st.ClientKeysLines() {
		if strings.HasPrefix(line, "005 !gone") || strings.HasPrefix(line, "003 cache01") {
			t.Errorf("replaced entries left behind: %q", line)
		}
	}
}

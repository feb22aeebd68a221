package nodetest_test

import (
	"net"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/nodetest/standin"
	"github.com/clusterd/clusterd/wire"
)

// cDaemonSendsync is what Wazuh's C daemons (authd, remoted, the upgrade module) do on a
// worker to reach a master daemon (agent_op.c, w_send_clustered_message): one sendsync frame
// on c-internal.sock with the compact JSON body, then exactly one frame read back.
func cDaemonSendsync(t *testing.T, m *nodetest.Member, counter uint32, body string) messages.Frame {
	t.Helper()
	conn, err := net.Dial("unix", m.Node().Settings().LocalSocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return localExchange(t, conn, wire.NewReader(conn, nil, wire.ReaderLimits{}), counter, messages.CmdSendSync, []byte(body))
}

// A Wazuh authd on a worker enrolls an agent through a clusterd worker and a clusterd master
// in Wazuh mode: its sendsync reaches the master's authd socket, which gets what Wazuh's
// master sends (the message dumped again as Python's json.dumps writes it), and authd's answer
// comes back to it as the one frame it reads. remoted, the task manager and wazuh-db are
// reached the same way, on their sockets; a daemon that is down is Wazuh's 1013.
func TestWazuhModeSendsyncReachesTheMastersDaemons(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, WazuhDB: true})
	master, worker := c.Master(), c.Workers()[0]
	home := master.Home
	const key = "d6bf3e8ac0cbd6a5a6d4f5e9d1c6a1f2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6"
	authdAnswer := `{"error":0,"data":{"id":"001","name":"agent-1","ip":"any","key":"` + key + `"}}`
	start := func(path string, answer string) *standin.Daemon {
		d, err := standin.StartDaemon(path, func([]byte) []byte { return []byte(answer) })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		return d
	}
	authd := start(standin.AuthdSocketPath(home), authdAnswer)
	remoted := start(standin.RemotedSocketPath(home), `{"error":0,"message":"ok","data":{"group":"default"}}`)

	for i, tc := range []struct {
		name, body, sent, answer string
		daemon                   *standin.Daemon
	}{
		{"authd", `{"daemon_name":"authd","message":{"function":"add","arguments":{"name":"agent-1","ip":"any","groups":"default"}}}`,
			`{"function": "add", "arguments": {"name": "agent-1", "ip": "any", "groups": "default"}}`, authdAnswer, authd},
		{"remoted", `{"daemon_name":"remoted","message":{"command":"assigngroup","parameters":{"agent":"001","md5":"0a1b"}}}`,
			`{"command": "assigngroup", "parameters": {"agent": "001", "md5": "0a1b"}}`, `{"error":0,"message":"ok","data":{"group":"default"}}`, remoted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := cDaemonSendsync(t, worker, uint32(100+i), tc.body)
			if f.Command != messages.CmdOK || string(f.Payload) != tc.answer {
				t.Fatalf("the worker's daemon read %s %q, want ok %q", f.Command, f.Payload, tc.answer)
			}
			if got := tc.daemon.Requests(); len(got) != 1 || got[0] != tc.sent {
				t.Fatalf("the master's %s received %q, want %q", tc.name, got, tc.sent)
			}
		})
	}

	t.Run("wazuh-db", func(t *testing.T) {
		before := master.WazuhDB().Commands("global sql")
		f := cDaemonSendsync(t, worker, 200, `{"daemon_name":"wazuh-db","message":"global sql SELECT id, node_name FROM agent WHERE id = 0"}`)
		if f.Command != messages.CmdOK || string(f.Payload) != `ok [{"id":0,"node_name":"master"}]` {
			t.Fatalf("read %s %q", f.Command, f.Payload)
		}
		if master.WazuhDB().Commands("global sql") != before+1 {
			t.Fatal("the master's wazuh-db was not asked")
		}
	})

	t.Run("task-manager down, then up", func(t *testing.T) {
		body := `{"daemon_name":"task-manager","message":{"origin":{"module":"upgrade_module"},"command":"upgrade_get_status","parameters":{"agents":[1]}}}`
		f := cDaemonSendsync(t, worker, 300, body)
		if f.Command != messages.CmdErr || string(f.Payload) != "Error 1013 - Unable to connect with socket: task" {
			t.Fatalf("with the task manager down, read %s %q", f.Command, f.Payload)
		}
		answer := `{"error":0,"data":[{"error":0,"message":"Success","agent":1,"status":"Updated"}],"message":"Success"}`
		tasks := start(standin.TaskManagerSocketPath(home), answer)
		f = cDaemonSendsync(t, worker, 301, body)
		if f.Command != messages.CmdOK || string(f.Payload) != answer {
			t.Fatalf("read %s %q", f.Command, f.Payload)
		}
		want := `{"origin": {"module": "upgrade_module"}, "command": "upgrade_get_status", "parameters": {"agents": [1]}}`
		if got := tasks.Requests(); len(got) != 1 || got[0] != want {
			t.Fatalf("the task manager received %q", got)
		}
	})

	// On the master itself, a local daemon's sendsync goes straight to the daemon.
	t.Run("on the master", func(t *testing.T) {
		f := cDaemonSendsync(t, master, 400, `{"daemon_name":"authd","message":{"function":"remove","arguments":{"id":"001","purge":1}}}`)
		if f.Command != messages.CmdOK || string(f.Payload) != authdAnswer {
			t.Fatalf("read %s %q", f.Command, f.Payload)
		}
		got := authd.Requests()
		if want := `{"function": "remove", "arguments": {"id": "001", "purge": 1}}`; got[len(got)-1] != want {
			t.Fatalf("authd received %q", got)
		}
	})
	if !master.Logged("Error in SendSync (parameters") || master.LogCount("Unable to connect with socket: task") == 0 {
		t.Errorf("the master did not log the failed request as Wazuh's does")
	}
}

package control

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
)

const nodesAnswer = `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker1", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 2}`

var wantNodes = NodesDoc{Items: []NodeInfo{
	{Name: "master-node", Type: "master", Version: "4.14.7", IP: "10.0.0.1"},
	{Name: "worker1", Type: "worker", Version: "4.14.7", IP: "10.0.0.2"},
}, TotalItems: 2}

// error3023 is what a worker answers when it has no master connection (§9.4).
const error3023 = `{"__wazuh_exception__": {"__class__": "WazuhClusterError", "__object__": {"type": "about:blank", "title": "Wazuh Cluster Error", "code": 3023, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}}}}`

func TestGetNodesDirectAnswer(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("get_nodes")
		if !ok {
			return
		}
		// Byte for byte what control.get_nodes sends (json.dumps defaults).
		const want = `{"filter_node": null, "offset": 0, "limit": 500, "sort": null, "search": null, "select": null, "filter_type": "all", "distinct": false}`
		if string(f.Payload) != want {
			t.Errorf("get_nodes payload = %s, want %s", f.Payload, want)
		}
		c.write(f.Counter, "ok", nodesAnswer)
		c.drain()
	})
	got, err := node.client().GetNodes(context.Background(), DefaultNodesArgs(nil))
	if err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
	if !reflect.DeepEqual(got, wantNodes) {
		t.Errorf("GetNodes = %+v, want %+v", got, wantNodes)
	}
}

func TestGetNodesThroughWorkerRelay(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("get_nodes")
		if !ok {
			return
		}
		c.write(f.Counter, "ok", "Sent request to master node")
		c.request("control_res", nodesAnswer, "ok", "Response received")
		c.drain()
	})
	got, err := node.client().GetNodes(context.Background(), DefaultNodesArgs([]string{"worker1"}))
	if err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
	if !reflect.DeepEqual(got, wantNodes) {
		t.Errorf("GetNodes = %+v, want %+v", got, wantNodes)
	}
}

func TestRelayedAnswerMayOvertakeAcknowledgement(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("get_health")
		if !ok {
			return
		}
		if string(f.Payload) != `["master-node", "worker1"]` {
			t.Errorf("get_health payload = %s", f.Payload)
		}
		c.request("control_res", specHealthJSON, "ok", "Response received")
		c.write(f.Counter, "ok", "Sent request to master node")
		c.drain()
	})
	got, err := node.client().GetHealth(context.Background(), []string{"master-node", "worker1"})
	if err != nil {
		t.Fatalf("GetHealth: %v", err)
	}
	if got.NConnectedNodes != 1 || len(got.Nodes) != 2 || got.Nodes["worker1"].Status.LastSyncAgentInfo.NSyncedChunks != 3 {
		t.Errorf("GetHealth = %+v", got)
	}
}

func TestErrReplyBecomesWazuhError(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		if f, ok := c.expect("get_nodes"); ok {
			c.write(f.Counter, "err", error3023)
			c.drain()
		}
	})
	_, err := node.client().GetNodes(context.Background(), DefaultNodesArgs(nil))
	var we *messages.WazuhError
	if !errors.As(err, &we) {
		t.Fatalf("GetNodes error = %v, want a *messages.WazuhError", err)
	}
	if we.Error() != "Error 3023 - Worker node is not connected to master" || we.Code != 3023 || we.Class != "WazuhClusterError" {
		t.Errorf("WazuhError = %+v (%q)", we, we.Error())
	}
}

func TestRelayedErrors(t *testing.T) {
	cases := []struct {
		name, relayed, wantReplyCommand, wantReply, wantErr string
		wantCode                                            int
	}{
		{"exception JSON", error3023, "ok", "Response received", "Error 3023 - Worker node is not connected to master", 3023},
		{"rendered error", "Error 3020 - Timeout sending request: get_nodes", "err", "Error 3020 - Timeout sending request: get_nodes",
			"Error 3020 - Timeout sending request: get_nodes", 3020},
		{"plain error text", "Error: master went away", "err", "Error: master went away", "Error: master went away", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			node := startFakeNode(t, func(c *fakeConn) {
				if f, ok := c.expect("get_nodes"); ok {
					c.write(f.Counter, "ok", "Sent request to master node")
					c.request("control_res", tc.relayed, tc.wantReplyCommand, tc.wantReply)
					c.drain()
				}
			})
			_, err := node.client().GetNodes(context.Background(), DefaultNodesArgs(nil))
			if code, text := nodeErrorOf(err); text != tc.wantErr || code != tc.wantCode {
				t.Errorf("error = %v (code %d, text %q), want %q code %d", err, code, text, tc.wantErr, tc.wantCode)
			}
		})
	}
}

func TestSocketMissingIsNotRunning(t *testing.T) {
	c := &Client{SocketPath: SocketPath(t.TempDir())}
	if _, err := c.Do(context.Background(), "get_config", nil); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Do on a missing socket: err = %v, want ErrNotRunning", err)
	}
}

func TestStaleSocketIsNotRunning(t *testing.T) {
	socket := filepath.Join(t.TempDir(), "c-internal.sock")
	ln, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := ln.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := os.Stat(socket); err != nil {
		t.Fatalf("stale socket file should remain: %v", err)
	}
	c := &Client{SocketPath: socket}
	if _, err := c.Do(context.Background(), "get_config", nil); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Do on a stale socket: err = %v, want ErrNotRunning", err)
	}
}

func TestTimeoutIsWazuh3020(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) { c.drain() })
	c := node.client()
	c.Timeout = 50 * time.Millisecond
	_, err := c.Do(context.Background(), "get_nodes", []byte("{}"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	var we *messages.WazuhError
	if errors.As(err, &we); we == nil || we.Error() != "Error 3020 - Timeout sending request: get_nodes" {
		t.Errorf("timeout error = %v", err)
	}
}

func TestKeepAliveWhileWaitingForRelayedAnswer(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("get_nodes")
		if !ok {
			return
		}
		c.write(f.Counter, "ok", "Sent request to master node")
		ka, ok := c.expect("echo-c")
		if !ok {
			return
		}
		if string(ka.Payload) != "keepalive" || ka.Counter == f.Counter {
			t.Errorf("keepalive = %+v", ka)
		}
		c.write(ka.Counter, "ok-m ", "keepalive")
		c.request("control_res", nodesAnswer, "ok", "Response received")
		c.drain()
	})
	c := node.client()
	c.KeepAlive = 20 * time.Millisecond
	if _, err := c.GetNodes(context.Background(), DefaultNodesArgs(nil)); err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
}

func TestAgentsThroughDAPIString(t *testing.T) {
	// The master's answer is the WazuhResult Agent.get_agents_overview's dict travels as.
	const result = `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [{"id": "001", "name": "web", "ip": "10.0.0.9", "status": "active", "version": "Wazuh v4.14.7", "node_name": "worker1"}], "totalItems": 1}}}}`
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("dapi")
		if !ok {
			return
		}
		const want = `{"f": {"__callable__": {"__name__": "get_agents_overview", "__module__": "wazuh.core.agent", "__qualname__": "Agent.get_agents_overview", "__type__": "function"}}, "f_kwargs": {"filters": {"status": "active,disconnected", "node_name": "all"}, "limit": null, "select": ["id", "ip", "name", "node_name", "status", "version"]}, "from_cluster": false, "wait_for_complete": false}`
		if string(f.Payload) != want {
			t.Errorf("dapi payload:\ngot  %s\nwant %s", f.Payload, want)
		}
		c.write(f.Counter, "ok", "Added request to API requests queue")
		// The answer travels as a long string, then dapi_res names it.
		counter := c.counter.Next()
		c.write(counter, "new_str", strconv.Itoa(len(result)))
		reply, ok := c.read()
		if !ok || reply.Command != "ok" {
			t.Errorf("new_str reply = %+v", reply)
			return
		}
		id := string(reply.Payload)
		c.request("str_upd", id+" "+result[:40], "ok", "String updated")
		c.request("str_upd", id+" "+result[40:], "ok", "String updated")
		c.request("dapi_res", id, "ok", "Distributed api response received")
		c.drain()
	})
	got, err := node.client().GetAgents(context.Background(), []string{"active", "disconnected"}, nil)
	if err != nil {
		t.Fatalf("GetAgents: %v", err)
	}
	want := AgentsDoc{Items: []AgentRow{{ID: "001", Name: "web", IP: "10.0.0.9", Status: "active", Version: "Wazuh v4.14.7", NodeName: "worker1"}}, TotalItems: 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetAgents = %+v, want %+v", got, want)
	}
}

func TestDAPIErrorAndUnknownString(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("dapi")
		if !ok {
			return
		}
		c.write(f.Counter, "ok", "Added request to API requests queue")
		c.request("dapi_res", "12345", "err", "Error receiving string: ID 12345 not found.")
		c.drain()
	})
	_, err := node.client().Do(context.Background(), "dapi", []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "Error receiving string: ID 12345 not found.") {
		t.Errorf("err = %v", err)
	}

	node = startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("dapi")
		if !ok {
			return
		}
		c.write(f.Counter, "ok", "Added request to API requests queue")
		c.request("dapi_err", "Error 1017 - Some Wazuh daemons are not ready yet", "ok", "Response received")
		c.drain()
	})
	_, err = node.client().Do(context.Background(), "dapi", []byte("{}"))
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Code != 1017 {
		t.Errorf("dapi_err: err = %v", err)
	}
}

func TestNodeRequestsAnsweredLikeWazuh(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		f, ok := c.expect("get_nodes")
		if !ok {
			return
		}
		c.write(f.Counter, "ok", "Sent request to master node")
		c.request("echo", "ping", "ok", "ping")
		c.request("bogus", "", "err", "unknown command 'b'bogus''")
		c.request("control_res", nodesAnswer, "ok", "Response received")
		c.drain()
	})
	if _, err := node.client().GetNodes(context.Background(), DefaultNodesArgs(nil)); err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
}

func TestConnectionClosedBeforeAnswer(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) { c.expect("get_nodes") })
	if _, err := node.client().Do(context.Background(), "get_nodes", nil); !errors.Is(err, ErrConnectionClosed) {
		t.Errorf("err = %v, want ErrConnectionClosed", err)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	received := make(chan struct{})
	node := startFakeNode(t, func(c *fakeConn) {
		if _, ok := c.expect("get_nodes"); ok {
			close(received)
		}
		c.drain()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-received
		cancel()
	}()
	if _, err := node.client().Do(ctx, "get_nodes", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestUnexpectedReplyCommand(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		if f, ok := c.expect("get_config"); ok {
			c.write(f.Counter, "dapi_res", "x")
			c.drain()
		}
	})
	if _, err := node.client().Do(context.Background(), "get_config", nil); !errors.Is(err, ErrUnexpectedReply) {
		t.Errorf("err = %v, want ErrUnexpectedReply", err)
	}
}

func TestDoRefusesUnframableCommand(t *testing.T) {
	c := &Client{SocketPath: "/nonexistent"}
	for _, cmd := range []string{"", "twelve_chars"} {
		if _, err := c.Do(context.Background(), cmd, nil); !errors.Is(err, ErrBadCommand) {
			t.Errorf("Do(%q) err = %v, want ErrBadCommand", cmd, err)
		}
	}
}

func TestNoConnectedWorkersIsEmptyDocument(t *testing.T) {
	node := startFakeNode(t, func(c *fakeConn) {
		if f, ok := c.expect("dapi"); ok {
			c.write(f.Counter, "ok", "There are no connected worker nodes")
			c.drain()
		}
	})
	got, err := node.client().Do(context.Background(), "dapi", []byte("{}"))
	if err != nil || string(got) != "{}" {
		t.Errorf("Do = %q, %v; want {}", got, err)
	}
}

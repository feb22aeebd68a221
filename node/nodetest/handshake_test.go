package nodetest_test

import (
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
)

func TestHelloRejectionsInWazuhOrder(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	addr := c.Master().Node().ClusterAddr()

	cases := []struct {
		name  string
		hello string
		code  int
		extra string
	}{
		{"malformed", "worker9 wazuh", 1000, "not enough values to unpack (expected 4, got 2)"},
		{"invalid name", "bad.name wazuh worker 4.14.7", 3060, "bad.name"},
		{"path-like name", "../../etc wazuh worker 4.14.7", 3060, ""},
		{"duplicate while connected", "worker1 wazuh worker 4.14.7", 3028, "worker1"},
		{"named like the master", "master wazuh worker 4.14.7", 3029, ""},
		{"other cluster", "worker9 other worker 4.14.7", 3030, ""},
		{"other version", "worker9 wazuh worker 4.14.6", 3031, ""},
		// The name check comes before the cluster check: a bad name in a foreign cluster is 3060.
		{"bad name and other cluster", "bad.name other worker 4.14.6", 3060, ""},
		// A duplicate is reported before the cluster and version checks.
		{"duplicate from another cluster", "worker1 other worker 4.14.6", 3028, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := dialRaw(t, addr, nodetest.Key)
			f := p.request(messages.CmdHello, []byte(tc.hello))
			if got := wazuhCode(t, f); got != tc.code {
				t.Fatalf("hello %q: code %d, want %d (%s)", tc.hello, got, tc.code, f.Payload)
			}
			if tc.extra != "" && !strings.Contains(string(f.Payload), tc.extra) {
				t.Fatalf("hello %q: payload %s lacks %q", tc.hello, f.Payload, tc.extra)
			}
			if tc.code != 1000 {
				if err := p.closedByPeer(); err != nil {
					t.Fatalf("after a refused hello: %v", err)
				}
			}
		})
	}
	// The worker that was already connected is untouched by the impostors.
	c.WaitConnected(5e9)
}

func TestCommandsBeforeHelloAreRefused(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	p := dialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
	for _, cmd := range []string{messages.CmdEchoC, messages.CmdGetNodes, messages.CmdSynIWMP, messages.CmdNewFile} {
		f := p.request(cmd, []byte("keepalive"))
		if f.Command != messages.CmdErr {
			t.Fatalf("%s before hello answered %s %q", cmd, f.Command, f.Payload)
		}
	}
	// After the refusals a proper hello still works, and then echo-c is answered with ok-m.
	f := p.request(messages.CmdHello, []byte("worker7 wazuh worker 4.14.7"))
	if f.Command != messages.CmdOK || string(f.Payload) != "Client worker7 added" {
		t.Fatalf("hello answered %s %q", f.Command, f.Payload)
	}
	f = p.request(messages.CmdEchoC, []byte("keepalive"))
	if strings.TrimSpace(f.Command) != "ok-m" || string(f.Payload) != "keepalive" {
		t.Fatalf("echo-c answered %q %q", f.Command, f.Payload)
	}
	f = p.request("bogus", nil)
	if f.Command != messages.CmdErr || string(f.Payload) != "unknown command 'b'bogus''" {
		t.Fatalf("unknown command answered %s %q", f.Command, f.Payload)
	}
}

func TestWrongKeyIsDisconnected(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	p := dialRaw(t, c.Master().Node().ClusterAddr(), strings.Repeat("x", 32))
	p.send(messages.CmdHello, []byte("worker8 wazuh worker 4.14.7"))
	if err := p.closedByPeer(); err != nil {
		t.Fatalf("a peer with the wrong key: %v", err)
	}
}

package control

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// Every parser of what a node sends gets a fuzz target; the seeds are real vectors and the
// documents of the spec. The property is always the same: no panic, and errors stay errors.

func FuzzNodeError(f *testing.F) {
	for _, v := range errorVectors(f) {
		f.Add([]byte(v.Payload))
	}
	f.Add([]byte(error3023))
	f.Add([]byte("Error 3020 - Timeout sending request: get_nodes"))
	f.Add([]byte("unknown command 'b'foo''"))
	f.Fuzz(func(t *testing.T, payload []byte) {
		err := nodeError(payload)
		var we *messages.WazuhError
		var te TextError
		switch {
		case errors.As(err, &we):
			_ = we.Error()
		case errors.As(err, &te):
			if string(te) != string(payload) {
				t.Fatalf("nodeError(%q) lost text: %q", payload, te)
			}
		default:
			t.Fatalf("nodeError(%q) = %#v, want a Wazuh exception or a TextError", payload, err)
		}
	})
}

func FuzzDecodeHealth(f *testing.F) {
	f.Add([]byte(specHealthJSON))
	f.Add([]byte(error3023))
	f.Add([]byte(`{"n_connected_nodes": 0, "nodes": {}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		doc, err := decodeHealth(payload)
		if err != nil {
			return
		}
		for _, more := range []bool{false, true} {
			out, err := FormatHealth(doc, "wazuh", more)
			if err == nil && !strings.HasPrefix(out, "Cluster name: wazuh\n\n") {
				t.Fatalf("FormatHealth output %q", out)
			}
		}
	})
}

func FuzzDecodeNodes(f *testing.F) {
	f.Add([]byte(nodesAnswer))
	f.Add([]byte(error3023))
	f.Add(localSocketGetNodesPayload(f))
	f.Fuzz(func(t *testing.T, payload []byte) {
		if doc, err := decodeNodes(payload); err == nil {
			if out := FormatNodes(doc); !strings.HasPrefix(out, "NAME") {
				t.Fatalf("FormatNodes output %q", out)
			}
		}
	})
}

func FuzzDecodeAgents(f *testing.F) {
	f.Add([]byte(`{"items": [{"id": "001", "name": "web", "ip": "any", "status": "never_connected", "node_name": "worker1"}], "totalItems": 1}`))
	f.Add([]byte(`{"items": [{"id": 1, "name": null, "ip": [1, {"a": 2.5}], "status": true}], "totalItems": 1}`))
	f.Add([]byte(error3023))
	f.Add([]byte(`{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [{"id": "000", "name": "m", "ip": "127.0.0.1", "status": "active", "version": "Wazuh v4.14.7", "node_name": "master"}], "totalItems": 1}}}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		if doc, err := decodeAgents(payload); err == nil {
			_ = FormatAgents(doc)
		}
	})
}

func FuzzParseArgs(f *testing.F) {
	for _, seed := range []string{"-l", "-a -fs active -fn w1 w2", "-i more", "-dimore", "--heal=more -fn", "-al", "--list",
		"-fn a -- b", "-hx", "--home /tmp -u", "-fn -a b", "-i -5", "--ho "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		opts, err := ParseArgs(strings.Split(line, " "))
		var argErr *ArgumentError
		if err != nil && !errors.As(err, &argErr) {
			t.Fatalf("ParseArgs(%q) returned a non-argument error %v", line, err)
		}
		if err == nil && opts.Home == "" {
			t.Fatalf("ParseArgs(%q) accepted an empty home", line)
		}
	})
}

// FuzzExchange feeds arbitrary bytes from the node to a client exchange. The first frame may
// be re-addressed to the request's counter so that replies, not only node requests, are
// explored.
func FuzzExchange(f *testing.F) {
	reply := func(command, payload string) []byte {
		b, err := wire.AppendMessage(nil, nil, messages.Frame{Command: command, Payload: []byte(payload)}, wire.RequestChunk)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(true, reply("ok", nodesAnswer))
	f.Add(true, reply("err", error3023))
	f.Add(true, append(reply("ok", "Sent request to master node"), reply("control_res", nodesAnswer)...))
	f.Add(true, append(append(reply("ok", "Sent request to master node"), reply("new_str", "5")...), reply("str_upd", "1 hello")...))
	f.Add(false, reply("dapi_err", "Error 1000 - boom"))
	f.Add(false, localSocketGetNodesFrame(f))
	f.Fuzz(func(t *testing.T, addressed bool, stream []byte) {
		clientEnd, nodeEnd := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer nodeEnd.Close()
			req, err := wire.NewReader(nodeEnd, nil, wire.ReaderLimits{}).ReadFrame()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, nodeEnd) }() // swallow the client's answers
			data := append([]byte(nil), stream...)
			if addressed && len(data) >= 4 {
				binary.BigEndian.PutUint32(data, req.Counter)
			}
			_, _ = nodeEnd.Write(data)
		}()
		s := newSession(clientEnd, (&Client{}).log())
		_, _ = s.exchange(context.Background(), "get_nodes", []byte("{}"),
			timeouts{reply: 200 * time.Millisecond, answer: 200 * time.Millisecond, keepAlive: 50 * time.Millisecond})
		s.close()
		<-done
	})
}

// localSocketGetNodesFrame is the real get_nodes frame of the local socket vector.
func localSocketGetNodesFrame(tb testing.TB) []byte {
	tb.Helper()
	raw, err := os.ReadFile("../../../testdata/vectors/frame_local_socket_get_nodes.hex")
	if err != nil {
		tb.Fatalf("read vector: %v", err)
	}
	frame, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		tb.Fatalf("decode vector: %v", err)
	}
	return frame
}

// localSocketGetNodesPayload is that frame's payload.
func localSocketGetNodesPayload(tb testing.TB) []byte {
	return localSocketGetNodesFrame(tb)[wire.HeaderLen:]
}

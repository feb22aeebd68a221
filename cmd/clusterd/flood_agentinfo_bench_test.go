package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// floodRequester drives one hand-made worker connection (after helloFlood) as a
// wire.Requester, so that wire.SendString can send a long string over it. It is used by one
// goroutine at a time.
type floodRequester struct {
	nc      net.Conn
	cipher  *wire.Cipher
	reader  *wire.Reader
	counter uint32
}

func newFloodRequester(nc net.Conn) (*floodRequester, error) {
	cipher, err := wire.NewCipher(e2eKey)
	if err != nil {
		return nil, err
	}
	return &floodRequester{nc: nc, cipher: cipher, reader: wire.NewReader(nc, cipher, wire.ReaderLimits{}), counter: 100}, nil
}

// send writes one request and returns its counter.
func (r *floodRequester) send(command string, payload []byte) (uint32, error) {
	r.counter++
	buf, err := wire.AppendMessage(nil, r.cipher, messages.Frame{Counter: r.counter, Command: command, Payload: payload}, wire.RequestChunk)
	if err != nil {
		return 0, err
	}
	_ = r.nc.SetWriteDeadline(time.Now().Add(time.Minute))
	_, err = r.nc.Write(buf)
	return r.counter, err
}

// Request implements wire.Requester: it reads until the answer carrying the request's counter,
// leaving unanswered what the master sends meanwhile.
func (r *floodRequester) Request(_ context.Context, command string, payload []byte) (messages.Frame, error) {
	counter, err := r.send(command, payload)
	if err != nil {
		return messages.Frame{}, err
	}
	_ = r.nc.SetReadDeadline(time.Now().Add(time.Minute))
	for {
		f, err := r.reader.ReadFrame()
		if err != nil || f.Counter == counter {
			return f, err
		}
	}
}

// floodAgentInfo sends doc as a worker's agent-info over nc and waits for the master's
// result; it returns how many bytes were sent. It closes nc when done, so that the worker
// leaves the master's list.
func floodAgentInfo(b *testing.B, nc net.Conn, doc []byte) int64 {
	defer nc.Close()
	r, err := newFloodRequester(nc)
	if err != nil {
		b.Error(err)
		return 0
	}
	if f, err := r.Request(context.Background(), messages.CmdSynAWMP, nil); err != nil || string(f.Payload) != "True" {
		b.Errorf("syn_a_w_m_p answered %s %q (%v)", f.Command, f.Payload, err)
		return 0
	}
	id, err := wire.SendString(context.Background(), r, doc, wire.RequestChunk)
	if err != nil {
		b.Errorf("send the agent-info string: %v", err)
		return 0
	}
	if f, err := r.Request(context.Background(), messages.CmdSynAWM, []byte(id)); err != nil || string(f.Payload) != id {
		b.Errorf("syn_a_w_m answered %s %q (%v)", f.Command, f.Payload, err)
		return 0
	}
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Minute))
	for {
		f, err := r.reader.ReadFrame()
		if err != nil {
			b.Errorf("waiting for the agent-info result: %v", err)
			return int64(len(doc))
		}
		if f.Command == messages.CmdSynMAE || f.Command == messages.CmdSynMAErr {
			if f.Command != messages.CmdSynMAE {
				b.Errorf("the master answered %s %q", f.Command, f.Payload)
			}
			fmt.Printf("agent-info result: %s\n", f.Payload)
			return int64(len(doc))
		}
	}
}

// relaxMasterTimeouts gives the master's workers ten minutes without keepalive and for their
// agent-info.
func relaxMasterTimeouts(b *testing.B, p *proc, port int) {
	internal := fmt.Sprintf(`{"intervals": {"worker": {"keep_alive": 1, "connection_retry": 1},
  "master": {"check_worker_lastkeepalive": 1, "max_allowed_time_without_keepalive": 600, "timeout_agent_info": 600},
  "communication": {"timeout_cluster_request": 120}},
  "clusterd": {"gossip": {"port": %d}}}`, port+1)
	must(b, os.WriteFile(filepath.Join(p.home, "etc", "cluster.json"), []byte(internal), 0o640))
}

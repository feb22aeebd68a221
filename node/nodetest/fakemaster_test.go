package nodetest_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// fakeMaster is a test's own master for one clusterd worker: it accepts the worker's
// connections and speaks the framed, encrypted protocol through the wire adapter, answering the
// worker as a master that grants nothing (hello accepted, keepalives echoed, every permission
// refused) and sending whatever requests the test makes, as a foreign or hostile master may.
type fakeMaster struct {
	t       testing.TB
	ln      net.Listener
	cipher  *wire.Cipher
	accepts atomic.Int32
	hellos  chan string
	// results receives the worker's agent-groups results (syn_w_g_e, syn_w_g_err and their
	// full-sync forms), which the fake master thanks for.
	results chan messages.Frame
	done    chan struct{}

	mu      sync.Mutex
	conn    *wire.Conn
	next    uint32
	pending map[uint32]chan messages.Frame
	// answers, when set, replaces the fake master's answer to the worker's requests of those
	// commands (the counter is filled in).
	answers map[string]messages.Frame
	// strs holds the long strings the worker sends (new_str, str_upd), by id; dapi receives
	// the worker's dapi_res (with the string it names in place of the id) and dapi_err.
	strs map[string][]byte
	dapi chan messages.Frame
}

// answer makes the fake master answer every request command of the worker with reply.
func (fm *fakeMaster) answer(command string, reply messages.Frame) {
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if fm.answers == nil {
		fm.answers = map[string]messages.Frame{}
	}
	fm.answers[command] = reply
}

func startFakeMaster(t testing.TB) *fakeMaster {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := wire.NewCipher(nodetest.Key)
	if err != nil {
		t.Fatal(err)
	}
	fm := &fakeMaster{t: t, ln: ln, cipher: c, hellos: make(chan string, 8), results: make(chan messages.Frame, 8), done: make(chan struct{}),
		next: 1000, pending: map[uint32]chan messages.Frame{}, strs: map[string][]byte{}, dapi: make(chan messages.Frame, 8)}
	go fm.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		<-fm.done
		fm.mu.Lock()
		if fm.conn != nil {
			fm.conn.Close()
		}
		fm.mu.Unlock()
	})
	return fm
}

// addr is where the worker must connect.
func (fm *fakeMaster) addr() *net.TCPAddr { return fm.ln.Addr().(*net.TCPAddr) }

func (fm *fakeMaster) accept() {
	defer close(fm.done)
	for {
		nc, err := fm.ln.Accept()
		if err != nil {
			return
		}
		fm.accepts.Add(1)
		conn := wire.NewConn(nc, wire.ConnConfig{Cipher: fm.cipher})
		fm.mu.Lock()
		if fm.conn != nil {
			fm.conn.Close()
		}
		fm.conn = conn
		fm.mu.Unlock()
		conn.Start(func(f messages.Frame) { fm.deliver(conn, f) }, func(error) {})
	}
}

// deliver runs on the connection's reader goroutine: answers go to whoever waits for them,
// requests are answered at once.
func (fm *fakeMaster) deliver(conn *wire.Conn, f messages.Frame) {
	fm.mu.Lock()
	wait, ok := fm.pending[f.Counter]
	delete(fm.pending, f.Counter)
	canned, answered := fm.answers[f.Command]
	fm.mu.Unlock()
	if ok {
		wait <- f
		return
	}
	if answered {
		canned.Counter = f.Counter
		_ = conn.Send(canned)
		return
	}
	reply := messages.Frame{Counter: f.Counter, Command: messages.CmdOK}
	switch f.Command {
	case messages.CmdHello:
		name, _, _ := bytes.Cut(f.Payload, []byte(" "))
		reply.Payload = []byte("Client " + string(name) + " added")
		select {
		case fm.hellos <- string(name):
		default:
		}
	case messages.CmdEchoC:
		reply.Command, reply.Payload = messages.CmdOKM, f.Payload
	case messages.CmdSynIWMP, messages.CmdSynAWMP:
		reply.Payload = []byte("False")
	case messages.CmdSynWGE, messages.CmdSynWGErr, messages.CmdSynWGCE, messages.CmdSynWGCErr:
		reply.Payload = []byte("Thanks")
		select {
		case fm.results <- f:
		default:
		}
	case messages.CmdNewStr, messages.CmdStrUpd, messages.CmdDapiRes, messages.CmdDapiErr:
		reply = fm.dapiAnswer(f)
	default:
		reply.Command, reply.Payload = messages.CmdErr, messages.UnknownCommand(f.Command)
	}
	_ = conn.Send(reply)
}

// Request implements wire.Requester: it sends one request to the worker and waits for its
// answer.
func (fm *fakeMaster) Request(ctx context.Context, command string, payload []byte) (messages.Frame, error) {
	wait := make(chan messages.Frame, 1)
	fm.mu.Lock()
	conn := fm.conn
	fm.next++
	counter := fm.next
	fm.pending[counter] = wait
	fm.mu.Unlock()
	if conn == nil {
		return messages.Frame{}, fmt.Errorf("no worker connected")
	}
	if err := conn.Send(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		return messages.Frame{}, fmt.Errorf("send %s: %w", command, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case f := <-wait:
		return f, nil
	case <-ctx.Done():
		fm.mu.Lock()
		delete(fm.pending, counter)
		fm.mu.Unlock()
		return messages.Frame{}, fmt.Errorf("%s: %w", command, ctx.Err())
	}
}

// request is Request for the test goroutine: it fails the test on a transport error.
func (fm *fakeMaster) request(command string, payload []byte) messages.Frame {
	fm.t.Helper()
	f, err := fm.Request(context.Background(), command, payload)
	if err != nil {
		fm.t.Fatalf("request %s: %v", command, err)
	}
	return f
}

// dapiAnswer answers the frames of a worker's DAPI answer as Wazuh's master does (§3.1, §9.2):
// the long string, then dapi_res naming it ("ok Forwarded response") or dapi_err ("ok DAPI
// error forwarded to worker"). The test reads them from fm.dapi, dapi_res carrying the string.
func (fm *fakeMaster) dapiAnswer(f messages.Frame) messages.Frame {
	reply := messages.Frame{Counter: f.Counter, Command: messages.CmdOK}
	fm.mu.Lock()
	defer fm.mu.Unlock()
	switch f.Command {
	case messages.CmdNewStr:
		fm.next++
		id := fmt.Sprint(fm.next)
		fm.strs[id] = []byte{}
		reply.Payload = []byte(id)
		return reply
	case messages.CmdStrUpd:
		id, data, _ := bytes.Cut(f.Payload, []byte(" "))
		if _, ok := fm.strs[string(id)]; ok {
			fm.strs[string(id)] = append(fm.strs[string(id)], data...)
		}
		reply.Payload = []byte(messages.ReplyStringUpdated)
		return reply
	case messages.CmdDapiRes:
		res, err := messages.ParseDapiResult(f.Payload)
		if err == nil {
			f.Payload = append([]byte(res.RequestID+" "), fm.strs[res.StringID]...)
			delete(fm.strs, res.StringID)
		}
		reply.Payload = []byte(messages.ReplyDapiForwarded)
	default:
		reply.Payload = []byte(messages.ReplyDapiErrorForwarded)
	}
	select {
	case fm.dapi <- f:
	default:
	}
	return reply
}

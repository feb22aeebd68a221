package wire

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// recordedRequest is one request a test requester saw.
type recordedRequest struct {
	Command string
	Payload []byte
}

// loopbackRequester stands for a connection and the peer actor behind it: one goroutine takes
// each request from a channel and answers it with handle, as the peer's actor answers from its
// mailbox. Close it before the test ends (it owns that goroutine).
type loopbackRequester struct {
	calls   chan loopbackCall
	stop    chan struct{}
	stopped sync.WaitGroup

	mu   sync.Mutex
	seen []recordedRequest
}

type loopbackCall struct {
	command string
	payload []byte
	reply   chan messages.Frame
}

func newLoopbackRequester(handle func(command string, payload []byte) (string, []byte)) *loopbackRequester {
	l := &loopbackRequester{calls: make(chan loopbackCall), stop: make(chan struct{})}
	l.stopped.Add(1)
	go l.serve(handle)
	return l
}

func (l *loopbackRequester) serve(handle func(string, []byte) (string, []byte)) {
	defer l.stopped.Done()
	var counter uint32
	for {
		select {
		case <-l.stop:
			return
		case call := <-l.calls:
			counter++
			l.mu.Lock()
			l.seen = append(l.seen, recordedRequest{Command: call.command, Payload: call.payload})
			l.mu.Unlock()
			command, payload := handle(call.command, call.payload)
			call.reply <- messages.Frame{Counter: counter, Command: command, Payload: payload}
		}
	}
}

func (l *loopbackRequester) Request(ctx context.Context, command string, payload []byte) (messages.Frame, error) {
	call := loopbackCall{command: command, payload: payload, reply: make(chan messages.Frame, 1)}
	select {
	case l.calls <- call:
	case <-ctx.Done():
		return messages.Frame{}, fmt.Errorf("request %s: %w", command, ctx.Err())
	}
	select {
	case resp := <-call.reply:
		return resp, nil
	case <-ctx.Done():
		return messages.Frame{}, fmt.Errorf("request %s: %w", command, ctx.Err())
	}
}

func (l *loopbackRequester) close() {
	close(l.stop)
	l.stopped.Wait()
}

func (l *loopbackRequester) requests() []recordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]recordedRequest(nil), l.seen...)
}

// scriptedRequester answers synchronously with respond, recording every request; respond may
// return an error to stand for a failed request.
type scriptedRequester struct {
	respond func(command string, payload []byte) (messages.Frame, error)
	seen    []recordedRequest
}

func (s *scriptedRequester) Request(_ context.Context, command string, payload []byte) (messages.Frame, error) {
	s.seen = append(s.seen, recordedRequest{Command: command, Payload: append([]byte(nil), payload...)})
	return s.respond(command, payload)
}

func (s *scriptedRequester) commands() []string {
	out := make([]string, len(s.seen))
	for i, r := range s.seen {
		out[i] = r.Command
	}
	return out
}

// errRequestTimeout stands for Wazuh's 3020 as a Requester reports it.
var errRequestTimeout = fmt.Errorf("Error 3020 - Timeout sending request: x: %w", context.DeadlineExceeded)

// errConnectionLost stands for a request failure Wazuh does not tolerate in a file transfer.
var errConnectionLost = errors.New("connection closed")

func okFrame(payload string) messages.Frame {
	return messages.Frame{Command: "ok", Payload: []byte(payload)}
}

func TestIsRequestTimeoutRecognisesTimeouts(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{context.DeadlineExceeded, true},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), true},
		{errRequestTimeout, true},
		{context.Canceled, false},
		{errConnectionLost, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := IsRequestTimeout(c.err); got != c.want {
			t.Errorf("IsRequestTimeout(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

package wire

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"go.uber.org/goleak"
)

// pipeRequester is a Pipeliner over a handler run by one goroutine, in the order requests were
// started, as a connection and its peer run them; it records how many were in flight at most.
type pipeRequester struct {
	calls chan pipeCall
	done  chan struct{}

	mu          sync.Mutex
	inFlight    int
	maxInFlight int
}

type pipeCall struct {
	command string
	payload []byte
	reply   chan messages.Frame
}

func newPipeRequester(handle func(command string, payload []byte) (string, []byte)) *pipeRequester {
	p := &pipeRequester{calls: make(chan pipeCall, 64), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for call := range p.calls {
			command, payload := handle(call.command, call.payload)
			p.mu.Lock()
			p.inFlight--
			p.mu.Unlock()
			call.reply <- messages.Frame{Command: command, Payload: payload}
		}
	}()
	return p
}

func (p *pipeRequester) Start(ctx context.Context, command string, payload []byte) func() (messages.Frame, error) {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	p.mu.Unlock()
	call := pipeCall{command: command, payload: bytes.Clone(payload), reply: make(chan messages.Frame, 1)}
	p.calls <- call
	return func() (messages.Frame, error) {
		select {
		case f := <-call.reply:
			return f, nil
		case <-ctx.Done():
			return messages.Frame{}, ctx.Err()
		}
	}
}

func (p *pipeRequester) Request(ctx context.Context, command string, payload []byte) (messages.Frame, error) {
	return p.Start(ctx, command, payload)()
}

func (p *pipeRequester) close() {
	close(p.calls)
	<-p.done
}

// Several pieces in flight still make the whole file, in order, with the checksum of what was
// sent; never more than the window are in flight.
func TestSendFileWindowKeepsPiecesInFlightAndInOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const chunk = 300
	data := make([]byte, 10_000) // about 90 pieces
	randomBytes(data, 7)
	peer := newPipeRequester(receiver.Handle)
	sent, err := SendFileWindow(context.Background(), peer, sendTestPath, bytes.NewReader(data), chunk, 4, nil)
	peer.close()
	if err != nil || sent != int64(len(data)) {
		t.Fatalf("SendFileWindow = %d, %v; want %d, nil", sent, err, len(data))
	}
	got, err := os.ReadFile(filepath.Join(tree.home, sendTestPath))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("received %d bytes (%v), want the %d sent, in order", len(got), err, len(data))
	}
	if peer.maxInFlight < 2 || peer.maxInFlight > 4 {
		t.Fatalf("%d requests in flight at most, want 2 to 4", peer.maxInFlight)
	}
}

// A cancel_task stops the pieces as without a window: those in flight are answered, no more
// are sent, and file_end still goes.
func TestSendFileWindowStopsWhenInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t)
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const chunk = 200
	piece := chunk - len(sendTestPath) - 1
	data := bytes.Repeat([]byte("0123456789"), 1000)
	checks := 0
	interrupted := func() bool { checks++; return checks >= 2 }
	peer := newPipeRequester(receiver.Handle)
	sent, err := SendFileWindow(context.Background(), peer, sendTestPath, bytes.NewReader(data), chunk, 3, interrupted)
	peer.close()
	if err != nil {
		t.Fatal(err)
	}
	// Two answers settled before the stop, plus at most the window's pieces already sent.
	if sent > int64(5*piece) || sent >= int64(len(data)) {
		t.Fatalf("sent %d bytes after the interruption, want at most %d", sent, 5*piece)
	}
	if receiver.Len() != 0 {
		t.Fatalf("%d transfers still open: file_end was not sent", receiver.Len())
	}
}

// A plain Requester, or a window of one, is SendFileCounting.
func TestSendFileWindowFallsBackToOneAtATime(t *testing.T) {
	defer goleak.VerifyNone(t)
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	peer := newLoopbackRequester(receiver.Handle)
	data := bytes.Repeat([]byte("x"), 5000)
	sent, err := SendFileWindow(context.Background(), peer, sendTestPath, bytes.NewReader(data), 300, 4, nil)
	peer.close()
	if err != nil || sent != int64(len(data)) {
		t.Fatalf("SendFileWindow = %d, %v", sent, err)
	}
	pipe := newPipeRequester(NewFileReceiver(t.TempDir()).Handle)
	_, err = SendFileWindow(context.Background(), pipe, sendTestPath, bytes.NewReader(data), 300, 1, nil)
	pipe.close()
	if err != nil || pipe.maxInFlight != 1 {
		t.Fatalf("window 1: %d in flight, %v", pipe.maxInFlight, err)
	}
}

package wire

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/clusterd/clusterd/messages"
	"go.uber.org/goleak"
)

const sendTestPath = "/queue/cluster/worker1/worker1-1700000000.123456-0123456789abcdef0123456789abcdef.zip"

func TestSendFileRoundTripsThroughAFileReceiver(t *testing.T) {
	defer goleak.VerifyNone(t)
	const chunk = RequestChunk
	piece := chunk - len(sendTestPath) - 1
	sizes := []int{0, 1, piece, piece + 1, 12_000_000}
	for _, size := range sizes {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			tree := newFileTestTree(t)
			receiver := NewFileReceiver(tree.home)
			peer := newLoopbackRequester(receiver.Handle)
			data := make([]byte, size)
			randomBytes(data, uint64(size)+1)

			sent, err := SendFileCounting(context.Background(), peer, sendTestPath, bytes.NewReader(data), chunk, nil)
			peer.close()
			if err != nil || sent != int64(size) {
				t.Fatalf("SendFileCounting = %d, %v; want %d, nil", sent, err, size)
			}

			requests := peer.requests()
			wantUpdates := (size + piece - 1) / piece
			if len(requests) != wantUpdates+2 {
				t.Fatalf("%d requests, want new_file + %d file_upd + file_end", len(requests), wantUpdates)
			}
			if requests[0].Command != "new_file" || string(requests[0].Payload) != sendTestPath {
				t.Fatalf("first request %s %q", requests[0].Command, requests[0].Payload)
			}
			for _, r := range requests[1 : len(requests)-1] {
				if r.Command != "file_upd" || len(r.Payload) > chunk {
					t.Fatalf("bad file_upd: %s with %d bytes", r.Command, len(r.Payload))
				}
			}
			digest := sha256.Sum256(data)
			end := requests[len(requests)-1]
			if end.Command != "file_end" || !bytes.Equal(end.Payload, append([]byte(sendTestPath+" "), digest[:]...)) {
				t.Fatalf("last request %s %q, want file_end with the raw SHA-256", end.Command, end.Payload)
			}
			got, err := os.ReadFile(filepath.Join(tree.home, sendTestPath))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("received %d bytes (%v), want the %d sent", len(got), err, size)
			}
		})
	}
}

func TestSendFileStopsEarlyWhenInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t)
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	peer := newLoopbackRequester(receiver.Handle)
	defer peer.close()

	const chunk = 200
	piece := chunk - len(sendTestPath) - 1
	data := bytes.Repeat([]byte("0123456789"), 100)
	checks := 0
	interrupted := func() bool { checks++; return checks >= 2 } // cancel_task lands after piece 2

	sent, err := SendFileCounting(context.Background(), peer, sendTestPath, bytes.NewReader(data), chunk, interrupted)
	if err != nil || sent != int64(2*piece) {
		t.Fatalf("SendFileCounting = %d, %v; want %d, nil", sent, err, 2*piece)
	}
	var commands []string
	for _, r := range peer.requests() {
		commands = append(commands, r.Command)
	}
	if fmt.Sprint(commands) != "[new_file file_upd file_upd file_end]" {
		t.Fatalf("requests %v; want two pieces then file_end, as Wazuh's send_file", commands)
	}
	// The digest covers what was sent, so the receiver accepts the truncated file.
	got, _ := os.ReadFile(filepath.Join(tree.home, sendTestPath))
	if !bytes.Equal(got, data[:2*piece]) {
		t.Fatalf("receiver holds %d bytes, want %d", len(got), 2*piece)
	}
}

func TestSendFileIgnoresErrRepliesAndTimeouts(t *testing.T) {
	peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
		switch command {
		case "new_file":
			return messages.Frame{Command: "err", Payload: []byte("Write path not allowed")}, nil
		case "file_upd":
			return messages.Frame{}, errRequestTimeout
		}
		return messages.Frame{}, fmt.Errorf("waiting for file_end: %w", context.DeadlineExceeded)
	}}
	const size, chunk = 1000, 300
	err := SendFile(context.Background(), peer, sendTestPath, bytes.NewReader(make([]byte, size)), chunk, nil)
	if err != nil {
		t.Fatalf("SendFile = %v; Wazuh carries on through err replies and timeouts", err)
	}
	piece := chunk - len(sendTestPath) - 1
	if got, want := len(peer.seen), 2+(size+piece-1)/piece; got != want {
		t.Fatalf("%d requests (%v), want %d: every piece and file_end despite the failures", got, peer.commands(), want)
	}
}

func TestSendFileAbortsOnOtherRequestFailures(t *testing.T) {
	for _, failing := range []string{"new_file", "file_upd", "file_end"} {
		peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
			if command == failing {
				return messages.Frame{}, errConnectionLost
			}
			return okFrame("fine"), nil
		}}
		err := SendFile(context.Background(), peer, sendTestPath, bytes.NewReader([]byte("abc")), RequestChunk, nil)
		if !errors.Is(err, ErrFileSendAborted) || !errors.Is(err, errConnectionLost) {
			t.Fatalf("%s failing: SendFile = %v; want ErrFileSendAborted wrapping the cause", failing, err)
		}
		if last := peer.seen[len(peer.seen)-1].Command; last != failing {
			t.Fatalf("%s failing: requests went on to %s", failing, last)
		}
	}
}

func TestSendFileAbortsOnAReadError(t *testing.T) {
	peer := &scriptedRequester{respond: func(string, []byte) (messages.Frame, error) { return okFrame("ok"), nil }}
	src := io.MultiReader(bytes.NewReader([]byte("some")), iotest.ErrReader(errors.New("disk gone")))
	err := SendFile(context.Background(), peer, sendTestPath, src, RequestChunk, nil)
	if !errors.Is(err, ErrFileRead) {
		t.Fatalf("SendFile = %v, want ErrFileRead", err)
	}
	for _, r := range peer.seen {
		if r.Command == "file_end" {
			t.Fatal("file_end sent after a read error")
		}
	}
}

func TestSendFileStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
		if command == "file_upd" {
			cancel()
			return messages.Frame{}, fmt.Errorf("request: %w", context.Canceled)
		}
		return okFrame("ok"), nil
	}}
	err := SendFile(ctx, peer, sendTestPath, bytes.NewReader(make([]byte, 5000)), 200, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("SendFile = %v, want context.Canceled", err)
	}
	if got := peer.commands(); fmt.Sprint(got) != "[new_file file_upd]" {
		t.Fatalf("requests %v after cancellation", got)
	}
}

func TestSendFileRefusesUnsendablePathsAndChunks(t *testing.T) {
	peer := &scriptedRequester{respond: func(string, []byte) (messages.Frame, error) { return okFrame("ok"), nil }}
	for _, path := range []string{"", "/queue/cluster/with space.zip", "/queue/cluster/nul\x00"} {
		if err := SendFile(context.Background(), peer, path, bytes.NewReader(nil), RequestChunk, nil); !errors.Is(err, ErrInvalidTransferPath) {
			t.Errorf("SendFile(%q) = %v, want ErrInvalidTransferPath", path, err)
		}
	}
	if err := SendFile(context.Background(), peer, sendTestPath, bytes.NewReader(nil), len(sendTestPath)+1, nil); !errors.Is(err, ErrChunkTooSmall) {
		t.Errorf("SendFile with a chunk leaving no room = %v, want ErrChunkTooSmall", err)
	}
	if len(peer.seen) != 0 {
		t.Fatalf("requests sent: %v", peer.commands())
	}
}

package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"go.uber.org/goleak"
)

func TestSendStringRoundTripsThroughAStringStore(t *testing.T) {
	defer goleak.VerifyNone(t)
	const chunk = RequestChunk
	sizes := []int{0, 1, chunk - 11, chunk - 10, chunk + 1, 12_000_000}
	for _, size := range sizes {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			data := make([]byte, size)
			randomBytes(data, uint64(size))
			store := NewStringStore(MaxTotalSize)
			peer := newLoopbackRequester(store.Handle)
			id, err := SendString(context.Background(), peer, data, chunk)
			peer.close()
			if err != nil {
				t.Fatalf("SendString: %v", err)
			}

			requests := peer.requests()
			piece := chunk - len(id) - 1
			wantUpdates := (size + piece - 1) / piece
			if len(requests) != 1+wantUpdates {
				t.Fatalf("%d requests, want new_str + %d str_upd", len(requests), wantUpdates)
			}
			if requests[0].Command != "new_str" || string(requests[0].Payload) != strconv.Itoa(size) {
				t.Fatalf("first request %s %q, want new_str %d", requests[0].Command, requests[0].Payload, size)
			}
			for _, r := range requests[1:] {
				if r.Command != "str_upd" || len(r.Payload) > chunk || !bytes.HasPrefix(r.Payload, []byte(id+" ")) {
					t.Fatalf("bad str_upd: %s, %d bytes, prefix %q", r.Command, len(r.Payload), r.Payload[:min(12, len(r.Payload))])
				}
			}
			got, ok := store.Take(id)
			if !ok || !bytes.Equal(got, data) {
				t.Fatalf("receiver holds %d bytes (complete %v), want the %d sent", len(got), ok, size)
			}
		})
	}
}

func TestSendStringSplitsAtExactlyTheChunk(t *testing.T) {
	const id, chunk = "1234567890", 64
	piece := chunk - len(id) - 1
	for _, size := range []int{0, 1, piece, piece + 1, 3 * piece} {
		peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
			if command == "new_str" {
				return okFrame(id), nil
			}
			return okFrame("String updated"), nil
		}}
		data := bytes.Repeat([]byte("x"), size)
		if _, err := SendString(context.Background(), peer, data, chunk); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		var lengths []int
		for _, r := range peer.seen[1:] {
			lengths = append(lengths, len(r.Payload))
		}
		var want []int
		for left := size; left > 0; left -= piece {
			want = append(want, len(id)+1+min(left, piece))
		}
		if fmt.Sprint(lengths) != fmt.Sprint(want) {
			t.Errorf("size %d: str_upd payload lengths %v, want %v", size, lengths, want)
		}
	}
}

func TestSendStringReportsARefusedNewStrAndSendsErrStr(t *testing.T) {
	cases := []struct {
		name     string
		reply    messages.Frame
		err      error
		wantText string
		wantCode int
	}{
		{"timeout", messages.Frame{}, fmt.Errorf("waiting: %w", context.DeadlineExceeded),
			"Error 3020 - Timeout sending request: new_str", 3020},
		{"wazuh error text", messages.Frame{}, errRequestTimeout, errRequestTimeout.Error(), 3020},
		{"send failure", messages.Frame{}, errConnectionLost, "Error 3018 - Error sending request: connection closed", 3018},
		{"oversize", messages.Frame{Command: "error", Payload: []byte(ReplyStringTooLarge)}, nil,
			"Error 3016 - Received an error response: error " + ReplyStringTooLarge, 3016},
		{"err reply", messages.Frame{Command: "err", Payload: []byte("boom")}, nil,
			"Error 3016 - Received an error response: boom", 3016},
		{"unusable id", okFrame("12 34"), nil, `Error 3016 - Received an error response: invalid string id "12 34"`, 3016},
		{"empty id", okFrame(""), nil, `Error 3016 - Received an error response: invalid string id ""`, 3016},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
				if command == "new_str" {
					return c.reply, c.err
				}
				return okFrame("None"), nil
			}}
			id, err := SendString(context.Background(), peer, []byte("payload"), RequestChunk)
			if err == nil || id != "" {
				t.Fatalf("SendString = %q, %v; want an error", id, err)
			}
			if !strings.HasPrefix(err.Error(), "Error") || err.Error() != c.wantText {
				t.Fatalf("error text %q, want %q", err, c.wantText)
			}
			if !errors.Is(err, ErrStringRefused) || Code(err) != c.wantCode {
				t.Fatalf("error %v: Is(ErrStringRefused) %v, Code %d; want true, %d",
					err, errors.Is(err, ErrStringRefused), Code(err), c.wantCode)
			}
			if got := peer.commands(); fmt.Sprint(got) != "[new_str err_str]" {
				t.Fatalf("requests %v, want [new_str err_str]", got)
			}
			if string(peer.seen[1].Payload) != "7" {
				t.Fatalf("err_str payload %q, want the length 7", peer.seen[1].Payload)
			}
		})
	}
}

func TestSendStringErrStrFreesTheBufferOfALostReply(t *testing.T) {
	// The receiver opened a buffer but its reply never made it back: err_str must free it.
	store := NewStringStore(MaxTotalSize)
	peer := &scriptedRequester{respond: func(command string, payload []byte) (messages.Frame, error) {
		respCommand, respPayload := store.Handle(command, payload)
		if command == "new_str" {
			return messages.Frame{}, errRequestTimeout
		}
		return messages.Frame{Command: respCommand, Payload: respPayload}, nil
	}}
	if _, err := SendString(context.Background(), peer, []byte("lost"), RequestChunk); err == nil {
		t.Fatal("SendString succeeded without an id")
	}
	if store.Len() != 0 {
		t.Fatalf("receiver still holds %d strings after err_str", store.Len())
	}
}

func TestSendStringIgnoresFailedChunks(t *testing.T) {
	peer := &scriptedRequester{respond: func(command string, _ []byte) (messages.Frame, error) {
		switch command {
		case "new_str":
			return okFrame("77"), nil
		case "str_upd":
			return messages.Frame{}, errRequestTimeout
		}
		return messages.Frame{Command: "err", Payload: []byte("unexpected")}, nil
	}}
	id, err := SendString(context.Background(), peer, bytes.Repeat([]byte("y"), 100), 20)
	if err != nil || id != "77" {
		t.Fatalf("SendString = %q, %v; want 77, nil", id, err)
	}
	if n := len(peer.seen); n != 1+6 { // 100 bytes in pieces of 20-2-1 = 17
		t.Fatalf("%d requests, want every chunk tried (7)", n)
	}
}

func TestSendStringStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	peer := &scriptedRequester{}
	peer.respond = func(command string, _ []byte) (messages.Frame, error) {
		if command == "new_str" {
			return okFrame("5"), nil
		}
		cancel()
		return messages.Frame{}, context.Canceled
	}
	_, err := SendString(ctx, peer, bytes.Repeat([]byte("z"), 1000), 20)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("SendString = %v, want context.Canceled", err)
	}
	if len(peer.seen) != 2 {
		t.Fatalf("%d requests after cancellation, want 2", len(peer.seen))
	}
}

func TestSendStringRefusesAChunkTooSmall(t *testing.T) {
	peer := &scriptedRequester{respond: func(string, []byte) (messages.Frame, error) { return okFrame("1"), nil }}
	if _, err := SendString(context.Background(), peer, []byte("a"), minStringChunk-1); !errors.Is(err, ErrChunkTooSmall) {
		t.Fatalf("SendString = %v, want ErrChunkTooSmall", err)
	}
	if len(peer.seen) != 0 {
		t.Fatalf("requests sent with an unusable chunk: %v", peer.commands())
	}
}

// randomBytes fills b deterministically from seed.
func randomBytes(b []byte, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i < len(b); i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}

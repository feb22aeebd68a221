package wire

import (
	"bytes"
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
)

// connRequester is a Requester over a real Conn: requests get fresh counters and wait for the
// frame that answers them. It records the file_end payloads it sent.
type connRequester struct {
	conn *Conn
	mu   sync.Mutex
	next uint32
	wait map[uint32]chan messages.Frame
	ends [][]byte
}

func (c *connRequester) deliver(f messages.Frame) {
	c.mu.Lock()
	ch := c.wait[f.Counter]
	delete(c.wait, f.Counter)
	c.mu.Unlock()
	if ch != nil {
		ch <- f
	}
}

func (c *connRequester) Request(ctx context.Context, command string, payload []byte) (messages.Frame, error) {
	c.mu.Lock()
	c.next++
	counter, ch := c.next, make(chan messages.Frame, 1)
	c.wait[counter] = ch
	if command == CommandFileEnd {
		c.ends = append(c.ends, bytes.Clone(payload))
	}
	c.mu.Unlock()
	if err := c.conn.Send(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		return messages.Frame{}, err
	}
	select {
	case f := <-ch:
		return f, nil
	case <-ctx.Done():
		return messages.Frame{}, ctx.Err()
	}
}

// A file sent over the link cipher ends with its CRC-32C; over Fernet, as between Wazuh nodes,
// with its SHA-256. Either way the receiver checks it and the file arrives whole.
func TestFileTransferDigestFollowsTheLinkCipher(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, linked := range []bool{false, true} {
		t.Run(map[bool]string{false: "fernet", true: "link"}[linked], func(t *testing.T) {
			key, _ := NewCipher(vectorKey)
			workerNC, masterNC := tcpPair(t)
			tree := newFileTestTree(t)
			receiver := NewFileReceiver(tree.home)
			defer receiver.Close()

			handled := make(chan messages.Frame, 64)
			master := NewConn(masterNC, ConnConfig{Cipher: key})
			masterEnd := newEndRecorder()
			master.Start(func(f messages.Frame) { handled <- f }, masterEnd.done)
			worker := NewConn(workerNC, ConnConfig{Cipher: key})
			req := &connRequester{conn: worker, wait: map[uint32]chan messages.Frame{}}
			workerEnd := newEndRecorder()
			worker.Start(req.deliver, workerEnd.done)
			// The receiver's side runs on one goroutine, as its actor does.
			var served sync.WaitGroup
			served.Go(func() {
				for f := range handled {
					cmd, payload := receiver.HandleFrame(f)
					_ = master.Send(messages.Frame{Counter: f.Counter, Command: cmd, Payload: payload})
				}
			})
			if linked {
				wn, mn := NewLinkNonce(), NewLinkNonce()
				if _, err := master.UseLinkCipher(wn, mn, true); err != nil {
					t.Fatal(err)
				}
				if _, err := worker.UseLinkCipher(wn, mn, false); err != nil {
					t.Fatal(err)
				}
			}

			data := make([]byte, 3*RequestChunk+123)
			randomBytes(data, 11)
			if _, err := SendFileWindow(context.Background(), req, sendTestPath, bytes.NewReader(data), RequestChunk, 4, nil); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(tree.home, sendTestPath))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("received %d bytes (%v), want %d", len(got), err, len(data))
			}
			want := 32
			if linked {
				want = 4
				sum := crc32.Checksum(data, castagnoli)
				if end := req.ends[0]; !bytes.Equal(end[len(end)-4:], []byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}) {
					t.Fatalf("file_end carries %x, want the CRC-32C %08x", end[len(end)-4:], sum)
				}
			}
			if n := len(req.ends[0]) - len(sendTestPath) - 1; n != want {
				t.Fatalf("file_end digest of %d bytes, want %d", n, want)
			}

			worker.Close()
			workerEnd.wait(t)
			masterEnd.wait(t)
			waitDone(t, worker)
			waitDone(t, master)
			close(handled)
			served.Wait()
		})
	}
}

// A wrong CRC-32C is refused as a wrong SHA-256 is, and the file never appears.
func TestLinkedTransferWithAWrongDigestIsRefused(t *testing.T) {
	tree := newFileTestTree(t)
	rc := NewFileReceiver(tree.home)
	defer rc.Close()
	handle := func(command string, payload []byte) (string, []byte) {
		return rc.HandleFrame(messages.Frame{Command: command, Payload: payload, Link: true})
	}
	if cmd, reply := handle(CommandNewFile, []byte(sendTestPath)); cmd != replyNewFileOK || string(reply) != ReplyReadyForLinkedFile {
		t.Fatalf("new_file: %q %q", cmd, reply)
	}
	handle(CommandFileUpd, []byte(sendTestPath+" data"))
	if cmd, reply := handle(CommandFileEnd, []byte(sendTestPath+" \x00\x00\x00\x00")); cmd != replyErr || string(reply) != ReplyChecksumMismatch {
		t.Fatalf("file_end with a wrong CRC: %q %q", cmd, reply)
	}
	if _, err := os.Stat(filepath.Join(tree.home, sendTestPath)); !os.IsNotExist(err) {
		t.Fatalf("the file appeared: %v", err)
	}
}

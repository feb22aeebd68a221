package agentsim

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"testing"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// TestFileTransferVectorPush replays the push of the protocol vectors (05–07).
func TestFileTransferVectorPush(t *testing.T) {
	content, err := os.ReadFile("../../../testdata/vectors/agent/merged.mg")
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(content)
	md5hex := hex.EncodeToString(sum[:])
	var tr fileTransfer
	msgs := agentproto.PushMessages(md5hex, content)
	for i, msg := range msgs[:len(msgs)-1] {
		want := inboundData
		if i == 0 {
			want = inboundFileOpened
		}
		if got := tr.handle(msg).kind; got != want {
			t.Fatalf("message %d: kind %d, want %d", i, got, want)
		}
	}
	res := tr.handle(msgs[len(msgs)-1])
	if res.kind != inboundFileVerified || res.name != mergedFileName || res.md5 != md5hex {
		t.Fatalf("close: %+v, want verified %s", res, md5hex)
	}
	if tr.open {
		t.Fatal("transfer still open after close")
	}
}

func TestFileTransferRules(t *testing.T) {
	chunk := []byte("abc")
	sum := md5.Sum(chunk)
	md5hex := hex.EncodeToString(sum[:])
	up := []byte("#!-up file " + md5hex + " merged.mg\n")
	closeMsg := []byte(agentproto.CloseFileMessage)

	var tr fileTransfer
	if got := tr.handle(closeMsg).kind; got != inboundFileRejected {
		t.Fatalf("close without a file: %d", got)
	}
	if got := tr.handle(chunk).kind; got != inboundData {
		t.Fatalf("data without a file: %d", got)
	}
	// Another control message closes the open file: what follows is not part of it.
	tr.handle(up)
	if got := tr.handle([]byte(agentproto.AckMessage)).kind; got != inboundAck {
		t.Fatalf("ack: %d", got)
	}
	tr.handle(chunk)
	if got := tr.handle(closeMsg).kind; got != inboundFileRejected {
		t.Fatalf("close after an interrupted transfer: %d", got)
	}
	// A wrong sum is rejected.
	tr.handle([]byte("#!-up file " + md5hex + " merged.mg\n"))
	tr.handle([]byte("abd"))
	if got := tr.handle(closeMsg).kind; got != inboundFileRejected {
		t.Fatalf("wrong content: %d", got)
	}
	if got := tr.handle([]byte(agentproto.ForceReconnect)).kind; got != inboundForceReconnect {
		t.Fatalf("force_reconnect: %d", got)
	}
	if got := tr.handle([]byte(`#!-execd {"command":"restart"}`)).kind; got != inboundOtherControl {
		t.Fatalf("execd: %d", got)
	}
}

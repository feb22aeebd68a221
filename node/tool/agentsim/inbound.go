package agentsim

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"hash"
	"strings"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// mergedFileName is the shared file whose md5 the keepalive reports.
const mergedFileName = "merged.mg"

// inboundKind classifies a decrypted manager → agent message.
type inboundKind int

const (
	inboundData           inboundKind = iota // not a control message: a file chunk or nothing
	inboundAck                               // "#!-agent ack "
	inboundFileOpened                        // "#!-up file <md5> <name>\n"
	inboundFileVerified                      // "#!-close file " with a matching md5
	inboundFileRejected                      // "#!-close file " with a wrong md5 or no open file
	inboundForceReconnect                    // "#!-force_reconnect"
	inboundOtherControl                      // any other "#!-" message (execd, req, …)
)

// fileTransfer follows one shared-file push (agent §3.8). The simulator keeps only a
// running md5 of the content, not the content itself.
type fileTransfer struct {
	open bool
	name string
	want string
	sum  hash.Hash
}

// inboundResult is what a message did; name and md5 describe a verified file.
type inboundResult struct {
	kind inboundKind
	name string
	md5  string
}

// handle applies one manager message to the transfer state, as the agent's
// receiver does: "up file" opens, non-control messages are appended while open,
// "close file" verifies, any other control message first closes an open file.
func (t *fileTransfer) handle(msg []byte) inboundResult {
	if !agentproto.IsControl(msg) {
		if t.open {
			t.sum.Write(msg)
		}
		return inboundResult{kind: inboundData}
	}
	if bytes.HasPrefix(msg, []byte(agentproto.CloseFileMessage)) {
		return t.close()
	}
	t.abandon()
	switch {
	case agentproto.IsAck(msg):
		return inboundResult{kind: inboundAck}
	case bytes.HasPrefix(msg, []byte(agentproto.ForceReconnect)):
		return inboundResult{kind: inboundForceReconnect}
	}
	if md5hex, name, ok := agentproto.ParseUpFile(msg); ok {
		t.open, t.name, t.want = true, name, md5hex
		t.sum = md5.New()
		return inboundResult{kind: inboundFileOpened}
	}
	return inboundResult{kind: inboundOtherControl}
}

func (t *fileTransfer) close() inboundResult {
	if !t.open {
		return inboundResult{kind: inboundFileRejected}
	}
	got := hex.EncodeToString(t.sum.Sum(nil))
	name, want := t.name, t.want
	t.abandon()
	if !strings.EqualFold(got, want) {
		return inboundResult{kind: inboundFileRejected}
	}
	return inboundResult{kind: inboundFileVerified, name: name, md5: got}
}

func (t *fileTransfer) abandon() { *t = fileTransfer{} }

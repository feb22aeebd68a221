package wire

import (
	"context"
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// Requester is the blocking request seam the sub-protocol senders are written against. An
// implementation asks the actor that owns a connection to send one request and waits for the
// response frame: resp.Command is the response command ("ok", "err", "ok-m", …) and resp.Payload
// its payload.
//
// An implementation reports Wazuh's error 3020 (no response within timeout_cluster_request) with
// an error whose chain holds a Timeout() bool method returning true, such as
// context.DeadlineExceeded or a net.Error; the senders tell timeouts, which Wazuh tolerates during
// a file transfer, from the failures it does not.
type Requester interface {
	Request(ctx context.Context, command string, payload []byte) (messages.Frame, error)
}

// Pipeliner is a Requester that can also start a request and wait for its answer later, so that
// several requests are in flight at once. Requests started one after another from one goroutine
// reach the peer in that order.
type Pipeliner interface {
	Requester
	// Start sends one request and returns the function that waits for its answer, with
	// Request's results.
	Start(ctx context.Context, command string, payload []byte) (wait func() (messages.Frame, error))
}

// IsRequestTimeout reports whether err is a request timeout (Wazuh error 3020) as described on
// Requester.
func IsRequestTimeout(err error) bool {
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout()
}

// Commands of the generic sub-protocols (§9.1).
const (
	CommandNewStr     = "new_str"
	CommandStrUpd     = "str_upd"
	CommandErrStr     = "err_str"
	CommandNewFile    = "new_file"
	CommandFileUpd    = "file_upd"
	CommandFileEnd    = "file_end"
	CommandCancelTask = "cancel_task"
)

// Response commands the sub-protocol handlers answer with (§1.3). replyNewFileOK keeps Wazuh's
// trailing space, which survives on the wire as a double space in the padded command field;
// replyTooLarge is the "error" (not "err") quirk of new_str.
const (
	replyOK        = "ok"
	replyErr       = "err"
	replyNewFileOK = "ok "
	replyTooLarge  = "error"
)

// Reply payloads of the sub-protocol handlers, byte for byte as Wazuh 4.14.7 sends them (§3, §9.1).
const (
	ReplyStringUpdated       = "String updated"
	ReplyStringTooLarge      = "Requested size exceeds maximum allowed limit"
	ReplyNoStringRemoved     = "None"
	ReplyReadyForFile        = "Ready to receive new file"
	ReplyFileUpdated         = "File updated"
	ReplyFileReceived        = "File received correctly"
	ReplyChecksumMismatch    = "File wasn't correctly received. Checksums aren't equal."
	ReplyWritePathNotAllowed = "Write path not allowed"
	ReplyCancelTaskReceived  = "Request received correctly"
)

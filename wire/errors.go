package wire

import (
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// Sentinel errors of the package. Those that correspond to a Wazuh cluster error carry its code,
// which Code reports, and match its named value too (errors.Is(err, messages.ErrDecrypt)); test
// them with errors.Is, since they usually arrive wrapped with context.
var (
	// ErrCommandTooLong refuses a command name longer than MaxCommandLen (Wazuh 3024).
	ErrCommandTooLong error = &codedError{code: messages.ErrCommandTooLong.Code, msg: "wire: command name longer than 11 bytes"}
	// ErrDecrypt reports a payload that is not a valid Fernet token for our key (Wazuh 3025).
	ErrDecrypt error = &codedError{code: messages.ErrDecrypt.Code, msg: "wire: could not decrypt message"}
	// ErrPayloadTooLarge reports a frame or reassembled message above MaxTotalSize (Wazuh 3050).
	ErrPayloadTooLarge error = &codedError{code: messages.ErrPayloadTooLarge.Code, msg: "wire: payload size exceeds maximum allowed limit"}
	// ErrTooManyDivided reports one divided message too many in reassembly (Wazuh 3051).
	ErrTooManyDivided error = &codedError{code: messages.ErrTooManyDivided.Code, msg: "wire: too many concurrent divided messages"}
	// ErrPreAuthTooLarge reports a frame larger than a hello, or a divided part, from a peer
	// whose hello has not succeeded yet (Wazuh 3050, the code of an oversized payload).
	ErrPreAuthTooLarge error = &codedError{code: messages.ErrPayloadTooLarge.Code, msg: "wire: frame too large before a successful hello"}
	// ErrPayloadDeadline reports a payload not fully received within the deadline after its header.
	ErrPayloadDeadline = errors.New("wire: incomplete message payload not received within deadline")
	// ErrQueueFull is returned by Conn.Send when the outbound queue has no room left.
	ErrQueueFull = errors.New("wire: send queue is full")
	// ErrClosed is returned when sending on a connection that has been closed.
	ErrClosed = errors.New("wire: connection closed")
	// ErrBadHeader reports a header that cannot be parsed (fewer than HeaderLen bytes).
	ErrBadHeader = errors.New("wire: malformed frame header")
	// ErrBadKey reports a cluster key that is not exactly 32 bytes long.
	ErrBadKey = errors.New("wire: cluster key must be exactly 32 bytes")
	// ErrBadChunk reports a request chunk too small to carry any payload after the header.
	ErrBadChunk = errors.New("wire: request chunk must be larger than the header")
)

// codedError is a sentinel that knows its Wazuh error code.
type codedError struct {
	code int
	msg  string
}

func (e *codedError) Error() string { return e.msg }

// WazuhCode returns the Wazuh cluster error code (framework/wazuh/core/exception.py).
func (e *codedError) WazuhCode() int { return e.code }

// Is matches the Wazuh exception of the same code, as messages.WazuhError matches by code.
func (e *codedError) Is(target error) bool { return sameCode(e.code, target) }

// sameCode reports whether target is a Wazuh exception with the given code.
func sameCode(code int, target error) bool {
	t, ok := target.(*messages.WazuhError)
	return ok && t != nil && t.Code == code
}

// Code returns the Wazuh error code carried anywhere in err's chain, or 0 if there is none.
// Any error type with a WazuhCode() int method takes part, not only this package's sentinels.
func Code(err error) int {
	var coded interface{ WazuhCode() int }
	if errors.As(err, &coded) {
		return coded.WazuhCode()
	}
	return 0
}

// Sentinel errors of the long-string and file-transfer sub-protocols (§3).
var (
	// ErrStringRefused: the peer did not open a string buffer for new_str. The error that wraps
	// it reads like Wazuh's exception text ("Error <code> - …"), which a Wazuh sender returns in
	// place of the string id.
	ErrStringRefused = errors.New("wire: peer refused the string transfer")

	// ErrChunkTooSmall: the request chunk cannot carry the "<id> " or "<path> " prefix plus at
	// least one byte of data.
	ErrChunkTooSmall = errors.New("wire: request chunk too small for the transfer prefix")

	// ErrInvalidTransferPath: a path to send cannot travel in "<path> <bytes>" payloads (empty,
	// or holding a space or NUL byte, which the receiver's split would cut).
	ErrInvalidTransferPath = errors.New("wire: path cannot be sent in a file transfer")

	// ErrFileSendAborted: a step of new_file/file_upd/file_end failed in a way Wazuh does not
	// ignore (anything but an "err" reply or a 3020 timeout).
	ErrFileSendAborted = errors.New("wire: file transfer aborted")

	// ErrFileRead: the local source of a file transfer could not be read.
	ErrFileRead = errors.New("wire: reading the file to send")

	// ErrCancelTaskMalformed: a cancel_task payload is not "<task_id> <JSON exception>"; Wazuh's
	// handler fails on it and the peer gets WazuhInternalError 1000.
	ErrCancelTaskMalformed error = &codedError{code: messages.ErrInternal.Code, msg: "wire: malformed cancel_task payload"}
)

package wire

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// minStringChunk is the smallest chunk that fits the longest id a Wazuh receiver hands out
// (a uint32 in decimal, 10 digits), the separating space and one byte of data.
const minStringChunk = 12

// StringSendError is the failure of new_str. Its text is a Wazuh exception text ("Error <code>
// - <message>"), which is what a Wazuh sender returns in place of the string id; callers that
// relay the id test for the "Error" prefix, as Wazuh's do.
type StringSendError struct {
	Code  int    // Wazuh error code of the failure (3016, 3018, 3020, …)
	Text  string // "Error <code> - <message>"
	Cause error  // the request's own error, if the request failed
}

func (e *StringSendError) Error() string { return e.Text }

// WazuhCode lets Code report the Wazuh error code.
func (e *StringSendError) WazuhCode() int { return e.Code }

// Is matches the Wazuh exception of the same code (messages.ErrRequestTimeout, …).
func (e *StringSendError) Is(target error) bool { return sameCode(e.Code, target) }

// Unwrap exposes ErrStringRefused and, when the request itself failed, its cause.
func (e *StringSendError) Unwrap() []error {
	if e.Cause == nil {
		return []error{ErrStringRefused}
	}
	return []error{ErrStringRefused, e.Cause}
}

// SendString sends data with the long-string sub-protocol (§3.1): new_str with the size, then
// str_upd chunks whose payloads "<id> <bytes>" are at most chunk bytes (chunk is RequestChunk
// normally), and returns the id the peer assigned, for the command that consumes the string.
//
// As in Wazuh, a failed str_upd does not stop the transfer (the consumer finds the string
// incomplete), while a failed new_str makes SendString tell the peer with err_str and return a
// *StringSendError. Only the cancellation of ctx stops the chunks early.
func SendString(ctx context.Context, r Requester, data []byte, chunk int) (id string, err error) {
	if chunk < minStringChunk {
		return "", fmt.Errorf("send string with chunk %d: %w", chunk, ErrChunkTooSmall)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("send string: %w", err)
	}
	size := formatDecimal(len(data))
	resp, err := r.Request(ctx, CommandNewStr, size)
	if failure := newStringFailure(resp, err); failure != nil {
		// Wazuh tells the peer so it can free the buffer it may have reserved; the outcome of
		// that notice changes nothing for the caller.
		_, _ = r.Request(ctx, CommandErrStr, size)
		return "", failure
	}
	id = string(resp.Payload)
	piece := chunk - len(id) - 1
	for start := 0; start < len(data); start += piece {
		end := min(start+piece, len(data))
		payload := make([]byte, 0, len(id)+1+end-start)
		payload = append(payload, id...)
		payload = append(payload, ' ')
		payload = append(payload, data[start:end]...)
		if _, err := r.Request(ctx, CommandStrUpd, payload); err != nil && ctx.Err() != nil {
			return "", fmt.Errorf("send string %s: %w", id, ctx.Err())
		}
	}
	return id, nil
}

// newStringFailure turns a failed new_str into the Wazuh exception text its sender would hold,
// or returns nil when the peer answered with a usable id.
func newStringFailure(resp messages.Frame, err error) *StringSendError {
	switch {
	case err != nil && strings.HasPrefix(err.Error(), "Error "):
		return &StringSendError{Code: wazuhTextCode(err), Text: err.Error(), Cause: err}
	case err != nil && IsRequestTimeout(err):
		return &StringSendError{Code: messages.ErrRequestTimeout.Code, Text: messages.ErrRequestTimeout.Error() + ": " + CommandNewStr, Cause: err}
	case err != nil:
		return &StringSendError{Code: messages.ErrSendingRequest.Code, Text: messages.ErrSendingRequest.Error() + ": " + err.Error(), Cause: err}
	case resp.Command == replyErr:
		return refusedString(string(resp.Payload))
	case resp.Command != replyOK:
		return refusedString(fmt.Sprintf("%s %s", resp.Command, resp.Payload))
	case !validStringID(resp.Payload):
		return refusedString(fmt.Sprintf("invalid string id %q", resp.Payload))
	}
	return nil
}

// refusedString is Wazuh's 3016 "Received an error response" with what the peer answered.
func refusedString(detail string) *StringSendError {
	return &StringSendError{Code: messages.ErrReceivedErrorResponse.Code, Text: messages.ErrReceivedErrorResponse.Error() + ": " + detail}
}

// wazuhTextCode is the code of an error already worded as Wazuh's "Error <code> - <message>":
// the one its chain carries, else the one in its text.
func wazuhTextCode(err error) int {
	if code := Code(err); code != 0 {
		return code
	}
	digits, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "Error "), " ")
	code, _ := strconv.Atoi(digits)
	return code
}

// validStringID accepts what can prefix a str_upd payload: a non-empty token without spaces,
// short enough to leave room for data in the smallest chunk.
func validStringID(id []byte) bool {
	return len(id) > 0 && len(id) <= minStringChunk-2 && !strings.ContainsAny(string(id), " \x00")
}

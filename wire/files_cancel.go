package wire

import (
	"bytes"
	"encoding/json"
	"errors"
)

// NoTaskID is the task id a peer sends in cancel_task when it has none; Wazuh records nothing
// for it and only logs "The task was requested to be canceled but no task_id was received".
const NoTaskID = "None"

// cancelTaskError is a refused cancel_task payload; detail is the text of the exception Wazuh's
// handler raises on it, which becomes the extra_message of the peer's error 1000.
type cancelTaskError struct{ detail string }

func (e *cancelTaskError) Error() string { return ErrCancelTaskMalformed.Error() + ": " + e.detail }

func (e *cancelTaskError) Unwrap() error { return ErrCancelTaskMalformed }

// ParseCancelTask splits a cancel_task payload (§3.3), "<task_id> <JSON exception>". The task id
// is returned as sent (NoTaskID included); excJSON is the Wazuh exception (§1.6), checked to be
// JSON but not decoded. A payload Wazuh would fail on yields an error wrapping
// ErrCancelTaskMalformed (Wazuh code 1000).
func ParseCancelTask(payload []byte) (taskID string, excJSON []byte, err error) {
	id, exc, found := bytes.Cut(payload, []byte{' '})
	if !found {
		return "", nil, &cancelTaskError{detail: pyUnpackError}
	}
	var decoded any
	if err := json.Unmarshal(exc, &decoded); err != nil {
		return "", nil, &cancelTaskError{detail: err.Error()}
	}
	return string(id), exc, nil
}

// CancelTaskReply is the answer to a cancel_task whose parsing ended with parseErr: ("ok",
// "Request received correctly"), or the "err" reply with WazuhInternalError 1000 that Wazuh's
// dispatcher sends when its handler fails.
func CancelTaskReply(parseErr error) (respCommand string, respPayload []byte) {
	if parseErr == nil {
		return replyOK, []byte(ReplyCancelTaskReceived)
	}
	var refused *cancelTaskError
	if errors.As(parseErr, &refused) {
		return pyExceptionReply(refused.detail)
	}
	return pyExceptionReply(parseErr.Error())
}

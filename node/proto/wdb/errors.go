package wdb

import (
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// What went wrong, beside Wazuh's code (errors.Is matches both).
var (
	// ErrTooLarge: wazuh-db announced or sent more than it ever writes; nothing of it was kept.
	ErrTooLarge = errors.New("wazuh-db answer larger than wazuh-db writes")
	// ErrTruncated: the answer filled wazuh-db's whole buffer, so wazuh-db cut it there (its
	// snprintf does): the query must ask for less.
	ErrTruncated = errors.New("wazuh-db answer cut at its buffer size")
	// ErrRequestTooLarge: the request is larger than wazuh-db reads (it would drop the worker
	// thread that read it).
	ErrRequestTooLarge = errors.New("request larger than wazuh-db reads")
	// ErrMalformed: the answer is not what wazuh-db writes.
	ErrMalformed = errors.New("malformed wazuh-db answer")
	// ErrNoProgress: a paged answer said "due" without moving past the last page.
	ErrNoProgress = errors.New("wazuh-db paging made no progress")
	// ErrAnswer: wazuh-db answered err; the error's text is its answer.
	ErrAnswer = errors.New("wazuh-db answered err")
)

// wdbError is a Wazuh exception carrying its cause, so that errors.Is finds both the code
// (messages.ErrWazuhDBConnect) and what happened (a net error, ErrTooLarge). Its text is the
// exception's, as Wazuh logs it.
type wdbError struct {
	exc   *messages.WazuhError
	cause error
}

func (e *wdbError) Error() string { return e.exc.Error() }

func (e *wdbError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.exc}
	}
	return []error{e.exc, e.cause}
}

// raise returns a fresh exception of code with extra as its message (clipped: it may come from
// wazuh-db), caused by cause.
func raise(code *messages.WazuhError, extra string, cause error) error {
	var exc *messages.WazuhError
	if extra == "" {
		exc = code.New()
	} else {
		exc = code.With(messages.ClipForLog(extra))
	}
	return &wdbError{exc: exc, cause: cause}
}

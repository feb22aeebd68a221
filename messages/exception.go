package messages

import (
	"errors"
	"fmt"
)

// defaultExceptionType is the "type" every Wazuh exception carries unless told otherwise.
const defaultExceptionType = "about:blank"

// WazuhError is a Wazuh framework exception (framework/wazuh/core/exception.py), the value an
// `err` response carries as JSON (§1.6). Class is the Python class name; it decides the title
// and whether "ids" is part of the JSON.
type WazuhError struct {
	Class            string
	Code             int
	ExtraMessage     any // nil, a string, or a decoded JSON value (Object, []any, json.Number, bool)
	ExtraRemediation *string
	CmdError         bool
	DapiErrors       map[string]any // encodes as {} when empty
	IDs              []string       // only encoded for WazuhError-family classes

	// title and typ hold a title or type that differs from the class default; empty means the
	// default. Only a decoded exception can carry them.
	title string
	typ   string
}

// New returns a fresh exception of e's class and code, without extra message: how a named value
// of the table is raised (ErrWorkerNotConnected.New()). The named values themselves are only
// compared with, since a raised exception may still be changed (its ids, its dapi_errors).
func (e *WazuhError) New() *WazuhError { return e.With(nil) }

// With returns a fresh exception of e's class and code carrying extra as its extra message
// (ErrRequestTimeout.With(command)).
func (e *WazuhError) With(extra any) *WazuhError {
	return NewException(e.Class, e.Code, extra)
}

// NewException returns an exception of the given Python class. Prefer the named values of the
// table (codes.go); NewException and the constructors below are for an exception decoded or
// relayed with any code, and for a code raised with another class than the table's.
func NewException(class string, code int, extra any) *WazuhError {
	return &WazuhError{Class: class, Code: code, ExtraMessage: extra}
}

// NewClusterError returns a WazuhClusterError, the class the cluster raises for protocol errors.
func NewClusterError(code int, extra any) *WazuhError {
	return NewException(ClassWazuhClusterError, code, extra)
}

// NewInternalError returns a WazuhInternalError; code 1000 is what Wazuh answers for any
// unexpected failure while handling a request.
func NewInternalError(code int, extra any) *WazuhError {
	return NewException(ClassWazuhInternalError, code, extra)
}

// NewError returns a WazuhError (a "Bad Request" raised on bad user input).
func NewError(code int, extra any) *WazuhError {
	return NewException(ClassWazuhError, code, extra)
}

// NewResourceNotFound returns a WazuhResourceNotFound.
func NewResourceNotFound(code int, extra any) *WazuhError {
	return NewException(ClassWazuhResourceNotFound, code, extra)
}

// ToWazuhError returns the *WazuhError inside err, or wraps err as WazuhInternalError 1000 with
// its text, as Wazuh's dispatch() does for any unexpected exception. It returns nil for nil.
func ToWazuhError(err error) *WazuhError {
	if err == nil {
		return nil
	}
	var we *WazuhError
	if errors.As(err, &we) {
		return we
	}
	return ErrInternal.With(err.Error())
}

// Error renders the exception as Python's str(): "Error <code> - <message>".
func (e *WazuhError) Error() string {
	return fmt.Sprintf("Error %d - %s", e.Code, e.Message())
}

// Is makes errors.Is match exceptions by code, as Wazuh identifies its errors: a named value
// such as ErrRequestTimeout matches every 3020, whatever its class or extra message.
func (e *WazuhError) Is(target error) bool {
	t, ok := target.(*WazuhError)
	return ok && t != nil && t.Code == e.Code
}

// Message is the catalogue text for the code followed by ": <extra>" when there is an extra
// message; a dict extra fills the text's {placeholders} instead. A cmd_error exception, or one
// whose code is not in the catalogue, is just its extra message.
func (e *WazuhError) Message() string {
	row, known := codeTable[e.Code]
	if e.CmdError || !known {
		return PyStr(e.ExtraMessage)
	}
	text := row.Message
	if !pyTruthy(e.ExtraMessage) {
		return text
	}
	switch extra := e.ExtraMessage.(type) {
	case Object:
		return pyFormatNamed(text, extra)
	case map[string]any:
		return pyFormatNamed(text, SortedObject(extra))
	}
	return text + ": " + PyStr(e.ExtraMessage)
}

// Title is the exception's "title": the class default ("Wazuh Cluster Error", "Bad Request", …)
// unless the decoded JSON said otherwise.
func (e *WazuhError) Title() string {
	if e.title != "" {
		return e.title
	}
	return classTitle(e.Class)
}

// WazuhCode is the exception's code (0 for nil), for code that reads codes from any coded error
// without importing this package's types (wire.Code, config.ValidationError).
func (e *WazuhError) WazuhCode() int {
	if e == nil {
		return 0
	}
	return e.Code
}

// HTTPStatus is the status Wazuh's REST API answers with when a request fails with e: it
// follows the class (api/api/util.py _create_problem).
func (e *WazuhError) HTTPStatus() int { return classStatus(e.Class) }

// Remediation is the exception's remediation as the REST API shows it: the table's text,
// followed by ": <extra_remediation>" when there is one (Python prints a missing text as
// "None"). ok is false where Wazuh has none: a cmd_error exception or an unknown code.
func (e *WazuhError) Remediation() (text string, ok bool) {
	row, known := codeTable[e.Code]
	if e.CmdError || !known {
		return "", false
	}
	if e.ExtraRemediation == nil {
		if row.Remediation == nil {
			return "", false
		}
		return *row.Remediation, true
	}
	base := "None"
	if row.Remediation != nil {
		base = *row.Remediation
	}
	return base + ": " + *e.ExtraRemediation, true
}

// Type is the exception's "type", "about:blank" unless the decoded JSON said otherwise.
func (e *WazuhError) Type() string {
	if e.typ != "" {
		return e.typ
	}
	return defaultExceptionType
}

// hasIDs reports whether the class is a WazuhError subclass, whose to_dict() adds "ids".
func (e *WazuhError) hasIDs() bool {
	return exceptionClasses[e.Class].ids
}

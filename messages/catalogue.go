package messages

import (
	"fmt"
	"net/http"
	"slices"
)

// ErrorCode is one row of the table of Wazuh error codes (codes.go).
type ErrorCode struct {
	Code    int
	Class   string // the exception class Wazuh raises the code with
	Message string // the text of Wazuh's ERRORS table; {placeholders} are filled from a dict extra
	// Remediation is the hint Wazuh's ERRORS table gives the REST API user, nil where it gives
	// none (which differs from "": the API shows an empty remediation but leaves out a missing one).
	Remediation *string
}

// Title is the title of the code's class ("Wazuh Cluster Error", "Bad Request", …).
func (c ErrorCode) Title() string { return classTitle(c.Class) }

// HTTPStatus is the status Wazuh's REST API answers when a request fails with the code.
func (c ErrorCode) HTTPStatus() int { return classStatus(c.Class) }

// codeTable holds every row of codes.go by code. Treat it as read-only.
var codeTable = map[int]ErrorCode{}

// define adds a row to the table and returns its named value. A code defined twice, a class
// Wazuh does not have or a missing message is a mistake in codes.go: the package does not load.
func define(code int, class, message string, remediation ...string) *WazuhError {
	if _, dup := codeTable[code]; dup {
		panic(fmt.Sprintf("messages: error code %d defined twice", code))
	}
	if _, known := exceptionClasses[class]; !known || message == "" || len(remediation) > 1 {
		panic(fmt.Sprintf("messages: error code %d: bad row (class %q)", code, class))
	}
	row := ErrorCode{Code: code, Class: class, Message: message}
	if len(remediation) == 1 {
		row.Remediation = &remediation[0]
	}
	codeTable[code] = row
	return &WazuhError{Class: class, Code: code}
}

// LookupCode returns the table's row for code.
func LookupCode(code int) (ErrorCode, bool) {
	row, ok := codeTable[code]
	return row, ok
}

// ErrorCodes returns every row of the table, by code.
func ErrorCodes() []ErrorCode {
	rows := make([]ErrorCode, 0, len(codeTable))
	for _, row := range codeTable {
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b ErrorCode) int { return a.Code - b.Code })
	return rows
}

// Exception classes of Wazuh's framework/wazuh/core/exception.py.
const (
	ClassWazuhException        = "WazuhException"        // the base class
	ClassWazuhInternalError    = "WazuhInternalError"    // unexpected framework errors
	ClassWazuhClusterError     = "WazuhClusterError"     // cluster errors (a WazuhInternalError)
	ClassWazuhHAPHelperError   = "WazuhHAPHelperError"   // HAProxy helper errors (a WazuhClusterError)
	ClassWazuhEngineError      = "WazuhEngineError"      // engine client errors (a WazuhInternalError)
	ClassWazuhError            = "WazuhError"            // bad requests
	ClassWazuhPermissionError  = "WazuhPermissionError"  // RBAC refusals (a WazuhError)
	ClassWazuhResourceNotFound = "WazuhResourceNotFound" // missing resources (a WazuhError)
	ClassWazuhTooManyRequests  = "WazuhTooManyRequests"  // rate limits (a WazuhError)
	ClassWazuhNotAcceptable    = "WazuhNotAcceptable"    // unacceptable requests (a WazuhError)
)

// exceptionClasses gives each class its _default_title and the HTTP status Wazuh's REST API
// answers with (api/api/util.py _create_problem). The base class has no title and falls back to
// its class name, as WazuhException.__init__ does; _create_problem does not convert it, so the
// API fails with 500.
var exceptionClasses = map[string]struct {
	title  string
	ids    bool // WazuhError subclasses carry "ids" in their JSON
	status int
}{
	ClassWazuhException:        {title: "WazuhException", status: http.StatusInternalServerError},
	ClassWazuhInternalError:    {title: "Wazuh Internal Error", status: http.StatusInternalServerError},
	ClassWazuhClusterError:     {title: "Wazuh Cluster Error", status: http.StatusInternalServerError},
	ClassWazuhHAPHelperError:   {title: "HAProxy Helper Error", status: http.StatusInternalServerError},
	ClassWazuhEngineError:      {title: "Wazuh Engine Error", status: http.StatusInternalServerError},
	ClassWazuhError:            {title: "Bad Request", ids: true, status: http.StatusBadRequest},
	ClassWazuhPermissionError:  {title: "Permission Denied", ids: true, status: http.StatusForbidden},
	ClassWazuhResourceNotFound: {title: "Resource Not Found", ids: true, status: http.StatusNotFound},
	ClassWazuhTooManyRequests:  {title: "Too Many Requests", ids: true, status: http.StatusTooManyRequests},
	ClassWazuhNotAcceptable:    {title: "Not Acceptable", ids: true, status: http.StatusNotAcceptable},
}

// classTitle is the class's default title; an unknown class is its own title.
func classTitle(class string) string {
	if c, ok := exceptionClasses[class]; ok {
		return c.title
	}
	return class
}

// classStatus is the HTTP status of the class; anything the API does not convert is a 500.
func classStatus(class string) int {
	if c, ok := exceptionClasses[class]; ok {
		return c.status
	}
	return http.StatusInternalServerError
}

package authd

import (
	"errors"
	"strconv"
)

var (
	// ErrAgentNotFound is returned by a Store when no active agent has the requested id.
	ErrAgentNotFound = errors.New("agent not found")
	// ErrDuplicateID is returned by a Store asked to add an explicit id that an active agent holds.
	ErrDuplicateID = errors.New("agent id already in use")
	// ErrInvalidClientKeysLine is returned when a client.keys line cannot be read.
	ErrInvalidClientKeysLine = errors.New("invalid client.keys line")
	// ErrServerClosed is returned by Serve after Close.
	ErrServerClosed = errors.New("enrollment server closed")
	// ErrNoCertificates is a CA file (<ssl_agent_ca>) holding no PEM certificate.
	ErrNoCertificates = errors.New("no PEM certificate found")
)

// RequestError is a refused enrollment request; Text is Wazuh's reply text before
// ". Unable to add agent" (e.g. "ERROR: Invalid agent name: x").
type RequestError struct {
	Text string
}

func (e *RequestError) Error() string { return e.Text }

func requestError(text string) *RequestError { return &RequestError{Text: text} }

// APIError is an authd local API error: {"error":<Code>,"message":<Message>}.
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return strconv.Itoa(e.Code) + ": " + e.Message }

// The authd local API errors (Wazuh src/os_auth/local-server.c).
var (
	ErrAPIInternal      = &APIError{9001, "Internal error"}
	ErrAPIParsingJSON   = &APIError{9002, "Parsing JSON input"}
	ErrAPINoFunction    = &APIError{9003, "No such function"}
	ErrAPINoArgument    = &APIError{9004, "No such argument"}
	ErrAPINoName        = &APIError{9005, "No such name"}
	ErrAPINoIP          = &APIError{9006, "No such IP"}
	ErrAPIDuplicateIP   = &APIError{9007, "Duplicate IP"}
	ErrAPIDuplicateName = &APIError{9008, "Duplicate name"}
	ErrAPIKey           = &APIError{9009, "Issue generating key"}
	ErrAPINoID          = &APIError{9010, "No such agent ID"}
	ErrAPIAgentNotFound = &APIError{9011, "Agent ID not found"}
	ErrAPIDuplicateID   = &APIError{9012, "Duplicate ID"}
	ErrAPIMaxAgents     = &APIError{9013, "Maximum number of agents reached"}
	ErrAPIInvalidGroups = &APIError{9014, "Invalid Group(s) Name(s)"}
	ErrAPIWorkerNode    = &APIError{9015, "Cannot execute this request on a worker node"}
)

package config

import "errors"

// ErrorCodeClusterConfig is Wazuh's exception code 3004, "Error in cluster configuration"
// (messages.ErrClusterConfig).
const ErrorCodeClusterConfig = 3004

// clusterConfigMessage is the text Wazuh's WazuhError(3004) puts before the detail.
const clusterConfigMessage = "Error in cluster configuration"

// Sentinels for the <cluster> section. Validation problems arrive wrapped in a *ValidationError,
// so errors.Is matches both the sentinel and the 3004 code's text.
var (
	ErrUnspecifiedKey  = errors.New("unspecified cluster key")
	ErrInvalidKey      = errors.New("invalid cluster key")
	ErrInvalidNodeType = errors.New("invalid node type")
	ErrInvalidPort     = errors.New("invalid cluster port")
	ErrNoNodes         = errors.New("no nodes configured")
	ErrReservedNode    = errors.New("reserved address in nodes")
	ErrInvalidName     = errors.New("invalid cluster name")
	ErrInvalidNodeName = errors.New("invalid node name")
	ErrInvalidDisabled = errors.New("invalid value for disabled")
	ErrInvalidHidden   = errors.New("invalid value for hidden")

	// ErrUnknownOption refuses an element inside <cluster> that Wazuh does not define
	// (Wazuh's C parser reports it as 1230, "Invalid element in the configuration").
	ErrUnknownOption = errors.New("invalid element in the configuration")
	// ErrMalformedOption refuses an option whose shape is wrong, such as <port> holding elements.
	ErrMalformedOption = errors.New("malformed option")
	// ErrMalformedXML wraps the XML decoder's syntax error.
	ErrMalformedXML = errors.New("malformed ossec.conf")
)

// Sentinels for cluster.json.
var (
	// ErrUnknownKey refuses a key cluster.json does not define, to catch typos.
	ErrUnknownKey = errors.New("unknown key")
	// ErrInvalidType refuses a value of the wrong JSON type (a string where seconds belong, …).
	ErrInvalidType = errors.New("invalid value type")
	// ErrMalformedJSON wraps the JSON decoder's syntax error.
	ErrMalformedJSON = errors.New("malformed cluster.json")
	// ErrInvalidInternal is wrapped by every problem Internal.Validate reports.
	ErrInvalidInternal = errors.New("invalid internal option")
)

// ValidationError is one problem with the <cluster> section, carrying Wazuh's code 3004 and
// Wazuh's own wording so it can be shown, or sent in an err payload, exactly as Wazuh would.
type ValidationError struct {
	Code   int    // always ErrorCodeClusterConfig
	Detail string // Wazuh's extra message, e.g. "Unspecified key"
	Err    error  // the sentinel this problem matches with errors.Is
}

func newValidationError(sentinel error, detail string) *ValidationError {
	return &ValidationError{Code: ErrorCodeClusterConfig, Detail: detail, Err: sentinel}
}

// Error returns Wazuh's message: "Error in cluster configuration: <detail>".
func (e *ValidationError) Error() string {
	return clusterConfigMessage + ": " + e.Detail
}

func (e *ValidationError) Unwrap() error { return e.Err }

// Is matches the Wazuh exception of the problem's code (messages.ErrClusterConfig), which
// reports its code through WazuhCode.
func (e *ValidationError) Is(target error) bool {
	t, ok := target.(interface{ WazuhCode() int })
	return ok && t.WazuhCode() == e.Code
}

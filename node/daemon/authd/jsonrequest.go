package authd

import (
	"strconv"
	"time"
)

// JSON API functions.
const (
	FunctionAdd    = "add"
	FunctionRemove = "remove"
	FunctionGet    = "get"
)

// JSONRequest is one authd local API request:
// {"function":"add","arguments":{"name","ip","groups","key_hash","key","id","force"}},
// {"function":"remove","arguments":{"id","purge"}} or {"function":"get","arguments":{"id"}}.
// Optional string arguments are nil when absent or not strings (cJSON's NULL valuestring).
type JSONRequest struct {
	Function string
	// add
	Name    string
	IP      string
	Groups  *string // after Wazuh's de-duplication
	KeyHash *string
	Key     *string
	ID      *string // add: explicit id (key request); remove/get: the agent id
	Force   *ForceConfig
	// remove
	Purge bool
}

// ParseJSONRequest parses an authd local API request with cJSON's leniency (case-insensitive
// keys, first duplicate wins, trailing bytes ignored). The error is one of the ErrAPI* values.
func ParseJSONRequest(b []byte) (JSONRequest, error) {
	var req JSONRequest
	if len(b) == 0 || b[0] != '{' {
		return req, ErrAPIParsingJSON
	}
	root, err := parseCJSON(b)
	if err != nil {
		return req, ErrAPIParsingJSON
	}
	function := root.get("function")
	if function == nil {
		return req, ErrAPINoFunction
	}
	name, _ := function.stringValue()
	req.Function = name
	switch name {
	case FunctionAdd:
		return req, parseAddArguments(root, &req)
	case FunctionRemove, FunctionGet:
		args := root.get("arguments")
		if args == nil {
			return req, ErrAPINoArgument
		}
		id, ok := args.get("id").stringValue()
		if !ok {
			return req, ErrAPINoID
		}
		req.ID = &id
		req.Purge = name == FunctionRemove && args.get("purge") != nil && args.get("purge").kind == jsonTrue
		return req, nil
	default:
		return req, ErrAPIInternal
	}
}

func parseAddArguments(root *jsonValue, req *JSONRequest) error {
	args := root.get("arguments")
	if args == nil {
		return ErrAPINoArgument
	}
	req.ID = optionalString(args, "id")
	name, ok := args.get("name").stringValue()
	if !ok {
		return ErrAPINoName
	}
	req.Name = name
	ip, ok := args.get("ip").stringValue()
	if !ok {
		return ErrAPINoIP
	}
	req.IP = ip
	if g := args.get("groups"); g != nil {
		s, ok := g.stringValue()
		if !ok {
			return ErrAPIInvalidGroups
		}
		deduped := dedupGroups(s)
		req.Groups = &deduped
	}
	req.KeyHash = optionalString(args, "key_hash")
	req.Key = optionalString(args, "key")
	if f := args.get("force"); f != nil {
		force, err := parseForce(f)
		if err != nil {
			return err
		}
		req.Force = &force
	}
	return nil
}

func optionalString(obj *jsonValue, key string) *string {
	s, ok := obj.get(key).stringValue()
	if !ok {
		return nil
	}
	return &s
}

// parseForce reads {"enabled","key_mismatch","disconnected_time":{"enabled","value"},
// "after_registration_time"}: every member is required; times are numbers of seconds or
// strings such as "1h".
func parseForce(f *jsonValue) (ForceConfig, error) {
	var force ForceConfig
	enabled := f.get("enabled")
	if enabled == nil {
		return force, ErrAPIParsingJSON
	}
	force.Enabled = enabled.valueInt() != 0
	keyMismatch := f.get("key_mismatch")
	if keyMismatch == nil {
		return force, ErrAPIParsingJSON
	}
	force.KeyMismatch = keyMismatch.valueInt() != 0
	disconnected := f.get("disconnected_time")
	if disconnected == nil {
		return force, ErrAPIParsingJSON
	}
	dEnabled := disconnected.get("enabled")
	if dEnabled == nil {
		return force, ErrAPIParsingJSON
	}
	force.DisconnectedTimeEnabled = dEnabled.valueInt() != 0
	var ok bool
	if force.DisconnectedTime, ok = timeValue(disconnected.get("value")); !ok {
		return force, ErrAPIParsingJSON
	}
	if force.AfterRegistrationTime, ok = timeValue(f.get("after_registration_time")); !ok {
		return force, ErrAPIParsingJSON
	}
	return force, nil
}

func timeValue(v *jsonValue) (time.Duration, bool) {
	if v != nil && v.kind == jsonNumber {
		return time.Duration(v.valueInt()) * time.Second, true
	}
	s, ok := v.stringValue()
	if !ok {
		return 0, false
	}
	return parseTimeInterval(s)
}

// parseTimeInterval is Wazuh's get_time_interval: a non-negative number with an optional unit
// s, m, h, d or w.
func parseTimeInterval(s string) (time.Duration, bool) {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 || end > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil {
		return 0, false
	}
	unit := time.Second
	switch s[end:] {
	case "", "s":
	case "m":
		unit = time.Minute
	case "h":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	case "w":
		unit = 7 * 24 * time.Hour
	default:
		return 0, false
	}
	return time.Duration(n) * unit, true
}

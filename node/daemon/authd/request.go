package authd

import (
	"bytes"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Field widths of authd's sscanf formats.
const (
	versionFieldWidth = 2048
	groupsFieldWidth  = 65536
	keyHashFieldWidth = 40
)

// MaxRequestSize is authd's read buffer: a request line longer than this is never processed.
const MaxRequestSize = 69632

// Request is one parsed enrollment line:
// [OSSEC PASS: <p> ]OSSEC A:'<name>'[ V:'<v>'][ G:'<groups>'][ IP:'<ip>|src'][ K:'<hash>'].
type Request struct {
	Name string
	// Version is the V: field ("" when absent or empty).
	Version string
	// Groups is the G: field after Wazuh's de-duplication; HasGroups tells whether it was sent.
	Groups    string
	HasGroups bool
	// IP is "" when no IP field was sent, "src" for "use the source address", else the
	// normalised address (see NormalizeIP).
	IP string
	// KeyHash is the K: field (SHA-1 hex of id‖name‖key); HasKeyHash tells whether it was sent.
	KeyHash    string
	HasKeyHash bool
}

// ResolveIP is the address the agent gets: the IP field, the source address for "src" or (with
// use_source_ip) no field, else "any".
func (r Request) ResolveIP(useSourceIP bool, source string) string {
	switch {
	case r.IP == "src":
		return source
	case r.IP != "":
		return r.IP
	case useSourceIP:
		return source
	default:
		return "any"
	}
}

// ParseRequest parses a request line for a server that uses no password (authd's
// w_auth_parse_data), with Wazuh's quirks: fields are recognised only in the fixed order, the
// line ends at the first '\n' or NUL, and each field is read with its sscanf width. The error is
// a *RequestError holding Wazuh's reply text. Version and manager-side checks are not done here.
func ParseRequest(line []byte) (Request, error) {
	return parseRequest(line, "", "", true)
}

// ParseRequestWithPassword is ParseRequest for a server that requires password (non-empty):
// the line must start with "OSSEC PASS: <password> ".
func ParseRequestWithPassword(line []byte, password string) (Request, error) {
	return parseRequest(line, password, "", true)
}

// parseRequest runs the whole of w_auth_parse_data. managerVersion "" or allowHigher skips the
// version check.
func parseRequest(line []byte, password, managerVersion string, allowHigher bool) (Request, error) {
	buf := cString(line)
	var req Request

	if password != "" {
		rest, ok := strings.CutPrefix(buf, "OSSEC PASS: ")
		if !ok || len(rest) <= len(password) || !strings.HasPrefix(rest, password) || rest[len(password)] != ' ' {
			return req, requestError("ERROR: Invalid password")
		}
		buf = rest[len(password)+1:]
	}

	rest, ok := strings.CutPrefix(buf, "OSSEC A:'")
	if !ok {
		return req, requestError("ERROR: Invalid request for new agent")
	}
	name, after, closed := strings.Cut(rest, "'")
	if !closed {
		return req, requestError("ERROR: Invalid request for new agent")
	}
	req.Name = name
	buf = after
	if !messages.ValidAgentName(name) {
		return req, requestError("ERROR: Invalid agent name: " + name)
	}

	if strings.HasPrefix(buf, " V:") {
		version, ok := scanQuoted(buf, 4, versionFieldWidth, "'")
		if !ok {
			return req, requestError("ERROR: Unterminated version field")
		}
		if !allowHigher && managerVersion != "" && versionTooNew(managerVersion, version) {
			return req, requestError("ERROR: Agent version must be lower or equal to manager version")
		}
		req.Version = version
		buf = buf[len(version)+5:]
	}

	if strings.HasPrefix(buf, " G:") {
		groups, ok := scanQuoted(buf, 4, groupsFieldWidth, "'")
		if !ok {
			return req, requestError("ERROR: Unterminated group field")
		}
		if text, ok := validateGroupSyntax(groups); !ok {
			return req, requestError(text)
		}
		req.Groups, req.HasGroups = dedupGroups(groups), true
		buf = buf[len(groups)+5:]
	}

	if strings.HasPrefix(buf, " IP:") {
		ip, ok := scanQuoted(buf, 5, ipFieldSize, "' ")
		if !ok {
			return req, requestError("ERROR: Unterminated IP field")
		}
		if strings.HasPrefix(ip, "src") {
			req.IP = "src"
		} else {
			norm, valid := NormalizeIP(ip)
			if !valid {
				return req, requestError("ERROR: Invalid IP: " + ip)
			}
			if len(norm) > ipFieldSize-1 {
				norm = norm[:ipFieldSize-1]
			}
			req.IP = norm
		}
		buf = buf[len(ip)+6:]
	}

	if strings.HasPrefix(buf, " K:") {
		hash, ok := scanQuoted(buf, 4, keyHashFieldWidth, "'")
		if !ok {
			return req, requestError("ERROR: Unterminated key field")
		}
		req.KeyHash, req.HasKeyHash = hash, true
	}
	return req, nil
}

// cString cuts the line where authd's C string ends: the first '\n' (authd replaces it with NUL)
// or the first NUL.
func cString(line []byte) string {
	if i := bytes.IndexAny(line, "\n\x00"); i >= 0 {
		line = line[:i]
	}
	return string(line)
}

// scanQuoted emulates authd's `sscanf(buf, " X:'%<width>[^<stop>]")` followed by the check that
// the character after the value is a quote. open is the offset of the value (after the opening
// quote). When the opening quote is missing or the value is empty sscanf leaves it empty and only
// the quote check decides.
func scanQuoted(buf string, open, width int, stop string) (string, bool) {
	value := ""
	if len(buf) >= open && buf[open-1] == '\'' {
		end := open
		for end < len(buf) && end-open < width && strings.IndexByte(stop, buf[end]) < 0 {
			end++
		}
		value = buf[open:end]
	}
	closeAt := open + len(value)
	return value, closeAt < len(buf) && buf[closeAt] == '\''
}

package agentproto

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

// Control messages (agent §3.1); "#!-" is the control header. Trailing spaces
// are part of the texts and agents compare them exactly.
const (
	ControlPrefix    = "#!-"
	AckMessage       = "#!-agent ack "
	ShutdownMessage  = "#!-agent shutdown "
	StartupPrefix    = "#!-agent startup"
	CloseFileMessage = "#!-close file "
	ForceReconnect   = "#!-force_reconnect"
	// UpFilePrefix starts a shared-file push: "#!-up file <md5> <name>\n".
	UpFilePrefix = "#!-up file "
	// ErrPrefix starts a refusal of a startup: `#!-err {"message":"…"}`.
	ErrPrefix = "#!-err "
	// RequestPrefix starts a remote request or its answer: "#!-req <counter> …".
	RequestPrefix = "#!-req "
	PingMessage   = "#ping"
	PongMessage   = "#pong"
)

// Texts of the startup refusals remoted sends with ErrMessage.
const (
	VersionTooHighText = "Agent version must be lower or equal to manager version"
	NoVersionText      = "Couldn't retrieve version"
)

// IsControl reports whether msg is a control message (starts with "#!-");
// every other decrypted message is an event.
func IsControl(msg []byte) bool {
	return bytes.HasPrefix(msg, []byte(ControlPrefix))
}

// StartupMessage builds `#!-agent startup {"version":"<version>"}`.
func StartupMessage(version string) []byte {
	b := append([]byte(StartupPrefix), ` {"version":`...)
	b = messages.AppendCJSONString(b, version)
	return append(b, '}')
}

// ParseStartup parses an agent startup message as remoted's
// validate_control_msg does. Without any '{' (the wazuh-qa simulator sends
// "#!-agent startup ") it returns hasJSON=false and no error: such agents
// are accepted without a version check. With a '{', the JSON value starting
// there must carry a string "version"; otherwise the error wraps
// ErrNoVersion (answer ErrMessage(NoVersionText)). A message that is not a
// startup at all gives ErrNotStartup.
func ParseStartup(msg []byte) (version string, hasJSON bool, err error) {
	if !bytes.HasPrefix(msg, []byte(StartupPrefix)) {
		return "", false, ErrNotStartup
	}
	// remoted sees a C string: nothing after a NUL exists for it.
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	brace := bytes.IndexByte(msg, '{')
	if brace < 0 {
		return "", false, nil
	}
	var info struct {
		Version any `json:"version"`
	}
	// Like cJSON_Parse, read the first JSON value and ignore what follows.
	if err := json.NewDecoder(bytes.NewReader(msg[brace:])).Decode(&info); err != nil {
		return "", true, fmt.Errorf("startup JSON: %v: %w", err, ErrNoVersion)
	}
	v, ok := info.Version.(string)
	if !ok {
		return "", true, fmt.Errorf("startup JSON without a string version: %w", ErrNoVersion)
	}
	return v, true, nil
}

// ErrMessage builds `#!-err {"message":"<text>"}` with text JSON-escaped.
func ErrMessage(text string) []byte {
	b := append([]byte(ErrPrefix), `{"message":`...)
	b = messages.AppendCJSONString(b, text)
	return append(b, '}')
}

// IsAck reports whether msg is exactly the ack message, as the agent requires.
func IsAck(msg []byte) bool {
	return string(msg) == AckMessage
}

package agentsim

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

const (
	enrollKeyPrefix   = "OSSEC K:'"
	enrollErrorPrefix = "ERROR"
)

// enrollRequest is the request line of an agent (agent §1.2): name, version and optional groups.
func enrollRequest(name, version, groups string) []byte {
	line := "OSSEC A:'" + name + "' V:'" + version + "'"
	if groups != "" {
		line += " G:'" + groups + "'"
	}
	return []byte(line + "\n")
}

// parseEnrollReply reads authd's answer: `OSSEC K:'<id> <name> <ip> <key>'` becomes
// a key, `ERROR: …` an *EnrollError carrying the text as sent.
func parseEnrollReply(reply []byte) (agentproto.Key, error) {
	reply = bytes.TrimRight(reply, "\r\n\x00")
	if bytes.HasPrefix(reply, []byte(enrollErrorPrefix)) {
		return agentproto.Key{}, &EnrollError{Text: string(reply)}
	}
	rest, ok := bytes.CutPrefix(reply, []byte(enrollKeyPrefix))
	if !ok {
		return agentproto.Key{}, fmt.Errorf("%w: %.60q", ErrBadEnrollReply, reply)
	}
	body, _, closed := bytes.Cut(rest, []byte("'"))
	if !closed {
		return agentproto.Key{}, fmt.Errorf("%w: unterminated key", ErrBadEnrollReply)
	}
	fields := strings.Fields(string(body))
	if len(fields) != 4 {
		return agentproto.Key{}, fmt.Errorf("%w: %d fields in key", ErrBadEnrollReply, len(fields))
	}
	key := agentproto.Key{ID: fields[0], Name: fields[1], IP: fields[2], Raw: fields[3]}
	if err := checkKey(key); err != nil {
		return agentproto.Key{}, fmt.Errorf("%w: %v", ErrBadEnrollReply, err)
	}
	return key, nil
}

// checkKey applies the agent's checks on a key it is given (agent §1.6).
func checkKey(k agentproto.Key) error {
	switch {
	case !validAgentID(k.ID):
		return fmt.Errorf("agent id %.20q", k.ID)
	case !validName(k.Name):
		return fmt.Errorf("agent name %.140q", k.Name)
	case !validKeyIP(k.IP):
		return fmt.Errorf("agent ip %.60q", k.IP)
	case !validName(k.Raw):
		return errors.New("agent key")
	}
	return nil
}

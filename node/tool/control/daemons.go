package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// ErrDaemon is a master daemon's refusal, with its text (wazuh-db "err ...", authd's
// {"error": N, "message": ...}).
var ErrDaemon = errors.New("refused")

// sendsync runs one request for a master daemon through the node: the master runs it, a worker
// forwards it to its master (§11).
func (c *Client) sendsync(ctx context.Context, daemon string, message json.RawMessage) ([]byte, error) {
	body := messages.SendSync{DaemonName: daemon, Message: message}.EncodeBody()
	return c.Do(ctx, messages.CmdSendSync, body)
}

// WazuhDB runs a wazuh-db command on the master and returns the payload of its "ok" answer.
func (c *Client) WazuhDB(ctx context.Context, command string) (string, error) {
	msg, _ := json.Marshal(command)
	answer, err := c.sendsync(ctx, "wazuh-db", msg)
	if err != nil {
		return "", err
	}
	status, payload, _ := strings.Cut(string(answer), " ")
	switch status {
	case "ok":
		return payload, nil
	case "err":
		return "", fmt.Errorf("%w: %s", ErrDaemon, payload)
	}
	return "", fmt.Errorf("%w: %q", ErrMalformedDocument, answer)
}

// Authd runs an authd JSON API request on the master and returns the "data" of its answer.
func (c *Client) Authd(ctx context.Context, function string, arguments any) (json.RawMessage, error) {
	msg, err := json.Marshal(map[string]any{"function": function, "arguments": arguments})
	if err != nil {
		return nil, err
	}
	answer, err := c.sendsync(ctx, "authd", msg)
	if err != nil {
		return nil, err
	}
	var reply struct {
		Error   int             `json:"error"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(answer, &reply); err != nil {
		return nil, fmt.Errorf("%w: %q", ErrMalformedDocument, answer)
	}
	if reply.Error != 0 {
		return nil, fmt.Errorf("%w: %d %s", ErrDaemon, reply.Error, reply.Message)
	}
	return reply.Data, nil
}

package messages

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// SendSync is a request of a worker's daemon for a master daemon (§11). On the local socket the
// payload is the JSON body alone, {"daemon_name": ..., "message": ...}; worker to master it is
// prefixed with the local client name, "<client> <json>".
type SendSync struct {
	Client     string // empty for the local-socket form
	DaemonName string
	Message    json.RawMessage
}

// ParseSendSync parses the worker-to-master form "<client> <json>".
func ParseSendSync(p []byte) (SendSync, error) {
	client, body, err := splitPair(p)
	if err != nil {
		return SendSync{}, err
	}
	s, err := ParseSendSyncBody(body)
	if err != nil {
		return SendSync{}, err
	}
	s.Client = string(client)
	return s, nil
}

// ParseSendSyncBody parses the JSON body {"daemon_name": <string>, "message": <any JSON>}. The
// message is kept as written (compacted), since the master relays it to the daemon.
func ParseSendSyncBody(body []byte) (SendSync, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return SendSync{}, fmt.Errorf("parse sendsync body: %w: expected a JSON object", ErrMalformedPayload)
	}
	rawName, ok := members["daemon_name"]
	if !ok {
		return SendSync{}, fmt.Errorf("parse sendsync body: %w: missing %q", ErrMalformedPayload, "daemon_name")
	}
	var s SendSync
	if err := json.Unmarshal(rawName, &s.DaemonName); err != nil || bytes.Equal(rawName, []byte("null")) {
		return SendSync{}, fmt.Errorf("parse sendsync body: %w: %q must be a string", ErrMalformedPayload, "daemon_name")
	}
	msg, ok := members["message"]
	if !ok {
		return SendSync{}, fmt.Errorf("parse sendsync body: %w: missing %q", ErrMalformedPayload, "message")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, msg); err != nil {
		return SendSync{}, fmt.Errorf("parse sendsync body: %w: %w", ErrMalformedPayload, err)
	}
	s.Message = compact.Bytes()
	return s, nil
}

// EncodeBody builds the compact JSON body the C daemons send:
// {"daemon_name":"authd","message":{...}}.
func (s SendSync) EncodeBody() []byte {
	name, _ := json.Marshal(s.DaemonName)
	msg := []byte(s.Message)
	if !json.Valid(msg) {
		msg = []byte("null")
	}
	var out bytes.Buffer
	out.WriteString(`{"daemon_name":`)
	out.Write(name)
	out.WriteString(`,"message":`)
	if err := json.Compact(&out, msg); err != nil {
		out.WriteString("null")
	}
	out.WriteByte('}')
	return out.Bytes()
}

// Encode builds the worker-to-master payload "<client> <json body>".
func (s SendSync) Encode() []byte { return joinPair(s.Client, s.EncodeBody()) }

// SendSyncResult is a `sendsyn_res` payload: "<local client name> <string id>" naming the
// daemon's answer already sent with new_str/str_upd (§11 step 3).
type SendSyncResult struct {
	Client   string
	StringID string
}

// ParseSendSyncResult splits a "<client> <string id>" payload.
func ParseSendSyncResult(p []byte) (SendSyncResult, error) {
	client, ref, err := splitPair(p)
	if err != nil {
		return SendSyncResult{}, err
	}
	return SendSyncResult{Client: string(client), StringID: string(ref)}, nil
}

// Encode builds the "<client> <string id>" payload.
func (s SendSyncResult) Encode() []byte { return joinPair(s.Client, []byte(s.StringID)) }

// SendSyncError is a `sendsyn_err` payload: "<local client name> <error text>".
type SendSyncError struct {
	Client string
	Text   string
}

// ParseSendSyncError splits a "<client> <text>" payload.
func ParseSendSyncError(p []byte) (SendSyncError, error) {
	client, text, err := splitPair(p)
	if err != nil {
		return SendSyncError{}, err
	}
	return SendSyncError{Client: string(client), Text: string(text)}, nil
}

// Encode builds the "<client> <text>" payload.
func (s SendSyncError) Encode() []byte { return joinPair(s.Client, []byte(s.Text)) }

// SendSyncAnswer is a `cd_ssres` payload (clusterd's own, protocol §22.5): "<local client
// name> <the daemon's answer>", the answer carried in the request itself instead of in a long
// string named by `sendsyn_res`.
type SendSyncAnswer struct {
	Client string
	Answer []byte
}

// ParseSendSyncAnswer splits a "<client> <answer>" payload. Answer shares p's bytes.
func ParseSendSyncAnswer(p []byte) (SendSyncAnswer, error) {
	client, answer, err := splitPair(p)
	if err != nil {
		return SendSyncAnswer{}, err
	}
	return SendSyncAnswer{Client: string(client), Answer: answer}, nil
}

// Encode builds the "<client> <answer>" payload.
func (s SendSyncAnswer) Encode() []byte { return joinPair(s.Client, s.Answer) }

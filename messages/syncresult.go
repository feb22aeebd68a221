package messages

import "fmt"

// SyncResult is the outcome document of an agent-info or agent-groups synchronisation, sent
// with syn_m_a_e, syn_w_g_e and syn_wgc_e (§6.1, §7.2):
// {"updated_chunks": n, "error_messages": [...], "time_spent": seconds}.
type SyncResult struct {
	UpdatedChunks int
	ErrorMessages []string
	TimeSpent     float64
}

// ParseSyncResult decodes a result document (any JSON spacing). An error message that is not a
// string is kept as its JSON text rather than refusing the whole result.
func ParseSyncResult(p []byte) (SyncResult, error) {
	o, err := decodeObjectPayload(p)
	if err != nil {
		return SyncResult{}, fmt.Errorf("parse sync result: %w", err)
	}
	fields := objectReader{o: o}
	r := SyncResult{UpdatedChunks: fields.int("updated_chunks")}
	if fields.err != nil {
		return SyncResult{}, fmt.Errorf("parse sync result: %w", fields.err)
	}
	if v, ok := o.Get("error_messages"); ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return SyncResult{}, fmt.Errorf("parse sync result: %w: %q must be a list", ErrMalformedPayload, "error_messages")
		}
		for _, m := range list {
			if s, ok := m.(string); ok {
				r.ErrorMessages = append(r.ErrorMessages, s)
			} else {
				r.ErrorMessages = append(r.ErrorMessages, string(EncodeJSON(m)))
			}
		}
	}
	if v, ok := o.Get("time_spent"); ok && v != nil {
		if r.TimeSpent, err = asFloat(v, "time_spent"); err != nil {
			return SyncResult{}, fmt.Errorf("parse sync result: %w", err)
		}
	}
	return r, nil
}

// Encode writes the document as Wazuh's json.dumps does.
func (r SyncResult) Encode() []byte {
	messages := r.ErrorMessages
	if messages == nil {
		messages = []string{}
	}
	return EncodeJSON(Object{
		{Key: "updated_chunks", Value: r.UpdatedChunks},
		{Key: "error_messages", Value: messages},
		{Key: "time_spent", Value: r.TimeSpent},
	})
}

// Commands of wazuh-db that a synchronisation string asks the receiver to run.
const (
	SetAgentGroupsCommand   = "global set-agent-groups"
	SyncAgentInfoSetCommand = "global sync-agent-info-set"
)

// SyncString is the JSON document shipped with new_str/str_upd for agent-groups (master to
// worker) and agent-info (worker to master) synchronisation (§6.1, §7.2):
// {"set_data_command": ..., "payload": {...}, "chunks": ...}. Payload and Chunks hold any value
// EncodeJSON accepts: agent-groups chunks are a list of strings (wazuh-db answers), agent-info
// chunks the object wazuh-db returned (an Object, or json.RawMessage, to keep its key order).
type SyncString struct {
	SetDataCommand string
	Payload        any
	Chunks         any
}

// ParseSyncString decodes the document; Payload and Chunks come back as ordered JSON values
// (Object, []any, …).
func ParseSyncString(p []byte) (SyncString, error) {
	o, err := decodeObjectPayload(p)
	if err != nil {
		return SyncString{}, fmt.Errorf("parse sync string: %w", err)
	}
	fields := objectReader{o: o}
	s := SyncString{
		SetDataCommand: fields.str("set_data_command"),
		Payload:        fields.get("payload"),
		Chunks:         fields.get("chunks"),
	}
	if fields.err != nil {
		return SyncString{}, fmt.Errorf("parse sync string: %w", fields.err)
	}
	return s, nil
}

// Encode writes the document as Wazuh's json.dumps does; a nil Payload is written as {}.
func (s SyncString) Encode() []byte {
	payload := s.Payload
	if payload == nil {
		payload = Object{}
	}
	return EncodeJSON(Object{
		{Key: "set_data_command", Value: s.SetDataCommand},
		{Key: "payload", Value: payload},
		{Key: "chunks", Value: s.Chunks},
	})
}

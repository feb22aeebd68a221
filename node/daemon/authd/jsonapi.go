package authd

import (
	"context"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// maxAgentIDDigits is the longest id agents accept.
const maxAgentIDDigits = 8

// HandleJSON answers one authd local API request (what a worker's sendsync, a key request or
// the API send to queue/sockets/auth) with the exact compact JSON authd writes:
// {"error":0,"data":…} or {"error":<code>,"message":<text>}. A worker answers 9015.
func (s *Service) HandleJSON(ctx context.Context, req []byte) []byte {
	if s.IsWorker() {
		return apiErrorReply(ErrAPIWorkerNode)
	}
	r, err := ParseJSONRequest(req)
	if err != nil {
		s.log.Errorf("ERROR %s.", messages.ClipForLog(err.Error()))
		return apiErrorReply(asAPIError(err))
	}
	switch r.Function {
	case FunctionAdd:
		return s.apiAdd(ctx, r)
	case FunctionRemove:
		return s.apiRemove(ctx, *r.ID, r.Purge)
	default:
		return s.apiGet(ctx, *r.ID)
	}
}

func (s *Service) apiAdd(ctx context.Context, r JSONRequest) []byte {
	// Wazuh's authd trusts the name here (its callers, a worker's authd and the API, checked
	// it), so a worker or a local client could register "../../etc" or megabytes. The name gets
	// the enrollment port's check; authd's API has no error for it, so it is "No such name".
	if !messages.ValidAgentName(r.Name) {
		s.log.Errorf("Invalid agent name: %s (requested locally)", messages.ClipForLog(r.Name))
		return apiErrorReply(ErrAPINoName)
	}
	reg := registration{
		name:        r.Name,
		ip:          r.IP,
		keyHash:     r.KeyHash,
		force:       s.cfg.Force,
		normalizeIP: true,
	}
	if r.Groups != nil {
		reg.groups, reg.hasGroups = *r.Groups, true
	}
	if r.Force != nil {
		reg.force = *r.Force
	}
	if r.ID != nil {
		id, ok := parseExplicitID(*r.ID)
		if !ok {
			return apiErrorReply(ErrAPIKey)
		}
		reg.id = id
	}
	if r.Key != nil {
		if !validSuppliedKey(*r.Key) {
			return apiErrorReply(ErrAPIKey)
		}
		reg.key = *r.Key
	}
	s.mu.Lock()
	agent, ref := s.register(ctx, reg)
	s.mu.Unlock()
	if ref != nil {
		return apiErrorReply(apiRefusal(ref))
	}
	s.log.Infof("Agent key generated for agent '%s' (requested locally)", agent.Name)
	return agentReply(agent)
}

func (s *Service) apiRemove(ctx context.Context, idText string, purge bool) []byte {
	id, ok := parseStoredID(idText)
	if !ok {
		return apiErrorReply(ErrAPIAgentNotFound)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	agent, found, err := s.store.Agent(ctx, id)
	if err != nil {
		s.log.WithError(err).Errorf("Unable to read agent '%s'", messages.ClipForLog(idText))
		return apiErrorReply(ErrAPIInternal)
	}
	if !found {
		return apiErrorReply(ErrAPIAgentNotFound)
	}
	if err := s.store.RemoveAgent(ctx, id, purge || s.cfg.Purge); err != nil {
		s.log.WithError(err).Errorf("Unable to delete agent '%s'", messages.ClipForLog(idText))
		return apiErrorReply(ErrAPIInternal)
	}
	s.log.Infof("Agent '%s' (%s) deleted (requested locally)", messages.ClipForLog(idText), agent.Name)
	if s.afterChange != nil {
		if err := s.afterChange(ctx); err != nil {
			s.log.WithError(err).Error("Unable to save agent keys")
			return apiErrorReply(ErrAPIInternal)
		}
	}
	var o cjsonObject
	return []byte(o.num("error", 0).str("data", "Agent deleted successfully.").String())
}

func (s *Service) apiGet(ctx context.Context, idText string) []byte {
	id, ok := parseStoredID(idText)
	if !ok {
		return apiErrorReply(ErrAPIAgentNotFound)
	}
	s.mu.Lock()
	agent, found, err := s.store.Agent(ctx, id)
	s.mu.Unlock()
	if err != nil {
		s.log.WithError(err).Errorf("Unable to read agent '%s'", messages.ClipForLog(idText))
		return apiErrorReply(ErrAPIInternal)
	}
	if !found {
		return apiErrorReply(ErrAPIAgentNotFound)
	}
	return agentReply(agent)
}

func apiRefusal(ref *refusal) *APIError {
	switch ref.kind {
	case refusedGroups:
		return ErrAPIInvalidGroups
	case refusedDuplicateID:
		return ErrAPIDuplicateID
	case refusedInvalidIP:
		return ErrAPINoIP
	case refusedDuplicateIP:
		return ErrAPIDuplicateIP
	case refusedHostname, refusedDuplicateName:
		return ErrAPIDuplicateName
	default:
		return ErrAPIKey
	}
}

// parseStoredID accepts an id exactly as client.keys writes it ("%03d"): Wazuh compares ids as
// strings, so "3" does not name agent 003.
func parseStoredID(s string) (int, bool) {
	id, ok := parseExplicitID(s)
	if !ok || FormatID(id) != s {
		return 0, false
	}
	return id, true
}

// parseExplicitID accepts 1–8 decimal digits naming a positive id.
func parseExplicitID(s string) (int, bool) {
	if s == "" || len(s) > maxAgentIDDigits {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// validSuppliedKey refuses keys that would break the client.keys line (empty, or holding white
// space or control characters); Wazuh stores any string.
func validSuppliedKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] == 0x7f {
			return false
		}
	}
	return true
}

func agentReply(a Agent) []byte {
	var data cjsonObject
	data.str("id", FormatID(a.ID)).str("name", a.Name).str("ip", a.IP).str("key", a.Key)
	var o cjsonObject
	return []byte(o.num("error", 0).raw("data", data.String()).String())
}

func apiErrorReply(e *APIError) []byte {
	var o cjsonObject
	return []byte(o.num("error", e.Code).str("message", e.Message).String())
}

func asAPIError(err error) *APIError {
	if e, ok := err.(*APIError); ok {
		return e
	}
	return ErrAPIInternal
}

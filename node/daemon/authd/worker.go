package authd

import (
	"context"
)

// Worker-side reply texts (Wazuh's w_request_agent_add_clustered / w_parse_agent_add_response).
const (
	textCannotReachMaster  = "ERROR: Cannot comunicate with master" // sic, as Wazuh writes it
	textInvalidMessage     = "ERROR: Invalid message format"
	textUndefinedAPIReason = "(undefined)"
)

// forwardEnrollment sends a syntax-checked request to the master as the JSON API "add" (no
// force: the master applies its own) and turns the master's answer into the TLS reply.
func (s *Service) forwardEnrollment(ctx context.Context, req Request, ip, src string) (string, undoFunc) {
	s.log.Info("Dispatching request to master node")
	answer, err := s.fw.Forward(ctx, forwardAddPayload(req, ip))
	if err != nil {
		s.log.WithError(err).Warn("Could not send message through the cluster")
		return s.refuse(req.Name, src, textCannotReachMaster), nil
	}
	id, key, errText := parseAddAnswer(answer)
	if errText != "" {
		return s.refuse(req.Name, src, errText), nil
	}
	undo := func(ctx context.Context) {
		if _, err := s.fw.Forward(ctx, forwardRemovePayload(id)); err != nil {
			s.log.WithError(err).Errorf("Agent key unable to be shared with %s and unable to delete from master node", req.Name)
			return
		}
		s.log.Errorf("Agent key not saved for %s", req.Name)
	}
	return s.accept(id, req.Name, ip, key, src), undo
}

// forwardAddPayload is the sendsync payload a worker's authd sends:
// {"daemon_name":"authd","message":{"arguments":{"name","ip"[,"groups"][,"key_hash"]},"function":"add"}}.
func forwardAddPayload(req Request, ip string) []byte {
	var args cjsonObject
	args.str("name", req.Name).str("ip", ip)
	if req.HasGroups {
		args.str("groups", req.Groups)
	}
	if req.HasKeyHash {
		args.str("key_hash", req.KeyHash)
	}
	return sendsyncPayload(args.String(), FunctionAdd)
}

// forwardRemovePayload takes back an enrollment whose reply never reached the agent. Wazuh sends
// purge as the number 1, which the master reads as "keep a removed entry".
func forwardRemovePayload(id string) []byte {
	var args cjsonObject
	args.str("id", id).num("purge", 1)
	return sendsyncPayload(args.String(), FunctionRemove)
}

func sendsyncPayload(arguments, function string) []byte {
	var message cjsonObject
	message.raw("arguments", arguments).str("function", function)
	var payload cjsonObject
	payload.str("daemon_name", "authd").raw("message", message.String())
	return []byte(payload.String())
}

// parseAddAnswer reads the master's answer to "add": the new id and key, or the TLS error text.
func parseAddAnswer(answer []byte) (id, key, errText string) {
	root, err := parseCJSON(answer)
	if err != nil {
		return "", "", textInvalidMessage
	}
	code := root.get("error")
	if code == nil {
		return "", "", textInvalidMessage
	}
	if code.valueInt() > 0 {
		message, ok := root.get("message").stringValue()
		if !ok {
			message = textUndefinedAPIReason
		}
		return "", "", "ERROR: " + message
	}
	data := root.get("data")
	idValue, idOK := data.get("id").stringValue()
	keyValue, keyOK := data.get("key").stringValue()
	if data == nil || !idOK || !keyOK {
		return "", "", textInvalidMessage
	}
	return idValue, keyValue, ""
}

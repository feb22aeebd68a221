package authd

import "context"

// enrollOnMaster decides a parsed TLS request (agent §1.3 rows 8–12) and stores the agent.
func (s *Service) enrollOnMaster(ctx context.Context, req Request, ip, src string) (string, undoFunc) {
	r := registration{
		name:      req.Name,
		ip:        ip,
		groups:    req.Groups,
		hasGroups: req.HasGroups,
		force:     s.cfg.Force,
	}
	if req.HasKeyHash {
		hash := req.KeyHash
		r.keyHash = &hash
	}
	s.mu.Lock()
	agent, ref := s.register(ctx, r)
	s.mu.Unlock()
	if ref != nil {
		return s.refuse(req.Name, src, tlsRefusalText(ref, req.Name, ip)), nil
	}
	undo := func(ctx context.Context) {
		s.log.Errorf("Agent key not saved for %s", agent.Name)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rollback(ctx, agent.ID)
		if s.afterChange != nil {
			if err := s.afterChange(ctx); err != nil {
				s.log.WithError(err).Error("Unable to save agent keys")
			}
		}
	}
	return s.accept(FormatID(agent.ID), agent.Name, ip, agent.Key, src), undo
}

func tlsRefusalText(ref *refusal, name, ip string) string {
	switch ref.kind {
	case refusedGroups:
		return ref.text
	case refusedDuplicateIP:
		return "ERROR: Duplicate IP: " + ip
	case refusedHostname:
		return "ERROR: Invalid agent name: " + name
	case refusedDuplicateName:
		return "ERROR: Duplicate agent name: " + name
	default:
		return "ERROR: Internal manager error adding agent: " + name
	}
}

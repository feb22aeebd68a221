package authd

import (
	"context"
	"fmt"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// registration is one "add" on the master, from a TLS request or the JSON API.
type registration struct {
	id        int // explicit id (JSON key request); 0 allocates
	name      string
	ip        string // "any" or an address; normalised unless normalizeIP
	groups    string
	hasGroups bool
	keyHash   *string
	key       string // "" generates one
	force     ForceConfig
	// normalizeIP validates ip first (the JSON API path); the TLS parser already did.
	normalizeIP bool
}

// refusalKind is the check that refused a registration; the TLS path and the JSON API word
// each one differently.
type refusalKind int

const (
	refusedGroups refusalKind = iota + 1
	refusedDuplicateID
	refusedInvalidIP
	refusedDuplicateIP
	refusedHostname
	refusedDuplicateName
	refusedInternal
)

type refusal struct {
	kind refusalKind
	text string // TLS text for refusedGroups
}

// register runs Wazuh's master-side decision (w_auth_validate_data / local_add) and stores the
// agent: groups, duplicate id, duplicate IP, manager hostname, duplicate name, then add. A
// duplicate is replaced only under the force rules. The caller holds s.mu.
func (s *Service) register(ctx context.Context, r registration) (Agent, *refusal) {
	changed := false
	agent, ref := s.decideAndAdd(ctx, r, &changed)
	if changed && s.afterChange != nil {
		if err := s.afterChange(ctx); err != nil {
			s.log.WithError(err).Errorf("Unable to save agent keys after adding '%s'", r.name)
			if ref == nil {
				s.rollback(ctx, agent.ID)
				return Agent{}, &refusal{kind: refusedInternal}
			}
		}
	}
	return agent, ref
}

func (s *Service) decideAndAdd(ctx context.Context, r registration, changed *bool) (Agent, *refusal) {
	now := s.cfg.now()
	if r.hasGroups {
		if text, ok := validateGroupsOnMaster(r.groups, s.cfg.SharedDir); !ok {
			s.log.Errorf("%s", messages.ClipForLog(text[len("ERROR: "):]))
			return Agent{}, &refusal{kind: refusedGroups, text: text}
		}
	}
	if r.id != 0 {
		existing, found, err := s.store.Agent(ctx, r.id)
		if err != nil {
			return s.internalError(err, r.name)
		}
		if found {
			if ref := s.replace(ctx, existing, r, now, "Duplicate ID", refusedDuplicateID, changed); ref != nil {
				return Agent{}, ref
			}
		}
	}
	ip := r.ip
	if r.normalizeIP && ip != "any" {
		norm, ok := NormalizeIP(ip)
		if !ok {
			s.log.Warnf("Not valid IP '%s'", messages.ClipForLog(ip))
			return Agent{}, &refusal{kind: refusedInvalidIP}
		}
		ip = norm
	}
	if ip != "any" {
		existing, found, err := s.store.AgentByIP(ctx, ip)
		if err != nil {
			return s.internalError(err, r.name)
		}
		if found {
			if ref := s.replace(ctx, existing, r, now, fmt.Sprintf("Duplicate IP '%s'", ip), refusedDuplicateIP, changed); ref != nil {
				return Agent{}, ref
			}
		}
	}
	if r.name == s.cfg.ManagerHostname {
		s.log.Errorf("Invalid agent name %s (same as manager)", r.name)
		return Agent{}, &refusal{kind: refusedHostname}
	}
	existing, found, err := s.store.AgentByName(ctx, r.name)
	if err != nil {
		return s.internalError(err, r.name)
	}
	if found {
		if ref := s.replace(ctx, existing, r, now, "Duplicate name", refusedDuplicateName, changed); ref != nil {
			return Agent{}, ref
		}
	}
	key := r.key
	if key == "" {
		if key, err = newAgentKey(); err != nil {
			return s.internalError(err, r.name)
		}
	}
	added, err := s.store.AddAgent(ctx, Agent{
		ID:               r.id,
		Name:             r.name,
		IP:               ip,
		Key:              key,
		Groups:           groupList(r.groups),
		DateAdd:          now.Unix(),
		ConnectionStatus: StatusNeverConnected,
	})
	if err != nil {
		return s.internalError(err, r.name)
	}
	*changed = true
	return added, nil
}

// replace removes existing if the force rules allow it, else returns the refusal.
func (s *Service) replace(ctx context.Context, existing Agent, r registration, now time.Time, what string, kind refusalKind, changed *bool) *refusal {
	why := replaceRefusal(existing, r.keyHash, r.force, now)
	if why != "" {
		s.log.Warnf("%s, rejecting enrollment. %s", what, why)
		return &refusal{kind: kind}
	}
	s.log.Infof("%s. Removing old agent '%s' (id '%s').", what, existing.Name, FormatID(existing.ID))
	if err := s.store.RemoveAgent(ctx, existing.ID, s.cfg.Purge); err != nil {
		_, ref := s.internalError(err, r.name)
		return ref
	}
	*changed = true
	return nil
}

func (s *Service) internalError(err error, name string) (Agent, *refusal) {
	s.log.WithError(err).Errorf("Unable to add agent: %s (internal error)", name)
	return Agent{}, &refusal{kind: refusedInternal}
}

// rollback takes back a just-added agent (reply not delivered, or keys not saved).
func (s *Service) rollback(ctx context.Context, id int) {
	if err := s.store.RemoveAgent(ctx, id, true); err != nil {
		s.log.WithError(err).Errorf("Unable to delete agent '%s' again", FormatID(id))
	}
}

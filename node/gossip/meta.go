package gossip

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/memberlist"
)

// Values of Meta.State.
const (
	StateAlive   = "alive"
	StateLeaving = "leaving"
)

// ImplClusterd is the Meta.Impl this package advertises when the caller leaves it empty.
const ImplClusterd = "clusterd"

// MetaMaxSize is memberlist's limit on the encoded meta of one member.
const MetaMaxSize = memberlist.MetaMaxSize

// Meta is what a member advertises about itself on every alive message.
// It is deliberately small: memberlist says who is alive, the Wazuh TCP
// protocol carries everything else.
type Meta struct {
	Type    string `json:"type"`    // "master" or "worker"
	Version string `json:"version"` // Wazuh version spoken on the TCP port
	Port    int    `json:"port"`    // Wazuh cluster TCP port
	State   string `json:"state"`   // StateAlive or StateLeaving
	Impl    string `json:"impl"`    // ImplClusterd for this implementation
}

// withDefaults fills the fields a caller may leave empty.
func (m Meta) withDefaults() Meta {
	if m.State == "" {
		m.State = StateAlive
	}
	if m.Impl == "" {
		m.Impl = ImplClusterd
	}
	return m
}

func (m Meta) validate() error {
	if m.State != StateAlive && m.State != StateLeaving {
		return fmt.Errorf("%w: state %q is neither %q nor %q", ErrBadMeta, m.State, StateAlive, StateLeaving)
	}
	if m.Port < 0 || m.Port > 65535 {
		return fmt.Errorf("%w: port %d out of range", ErrBadMeta, m.Port)
	}
	return nil
}

// encodeMeta validates m and returns its wire form, refusing anything
// memberlist would reject (it panics on oversized meta).
func encodeMeta(m Meta) ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMeta, err)
	}
	if len(raw) > MetaMaxSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrMetaTooLarge, len(raw))
	}
	return raw, nil
}

// DecodeMeta parses the meta a peer advertised. Unknown fields are ignored so
// that newer members can add some; a missing or unknown state is refused.
func DecodeMeta(raw []byte) (Meta, error) {
	if len(raw) > MetaMaxSize {
		return Meta{}, fmt.Errorf("%w: %d bytes", ErrMetaTooLarge, len(raw))
	}
	var m Meta
	if err := json.Unmarshal(raw, &m); err != nil {
		return Meta{}, fmt.Errorf("%w: %w", ErrBadMeta, err)
	}
	if err := m.validate(); err != nil {
		return Meta{}, err
	}
	return m, nil
}

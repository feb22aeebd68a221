package authd

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// Connection statuses the force rules look at (wazuh-db agent.connection_status).
const (
	StatusNeverConnected = "never_connected"
	StatusDisconnected   = "disconnected"
)

// Agent is what the enrollment decisions need to know about a registered agent.
type Agent struct {
	ID     int
	Name   string
	IP     string
	Key    string
	Groups []string
	// DateAdd is the registration time (unix seconds).
	DateAdd int64
	// ConnectionStatus is "" when the agent has no agent-info (Wazuh then refuses to replace it).
	ConnectionStatus string
	// DisconnectionTime is the unix time of the last disconnection, 0 when none.
	DisconnectionTime int64
}

// Store is the keystore the master decides against. The service calls it from one goroutine at a
// time (its decisions are serialised).
type Store interface {
	AgentByName(ctx context.Context, name string) (Agent, bool, error)
	// AgentByIP matches the stored IP string exactly, among active agents.
	AgentByIP(ctx context.Context, ip string) (Agent, bool, error)
	Agent(ctx context.Context, id int) (Agent, bool, error)
	// AddAgent stores a; a.ID == 0 allocates the highest id ever used (removed ones included) + 1.
	AddAgent(ctx context.Context, a Agent) (Agent, error)
	// RemoveAgent deletes an active agent, keeping a removed ('!') entry unless purge.
	RemoveAgent(ctx context.Context, id int, purge bool) error
}

// FormatID renders an agent id as Wazuh writes it ("%03d").
func FormatID(id int) string { return fmt.Sprintf("%03d", id) }

// KeyHash is the hash an agent presents in K:'…': lowercase hex SHA-1 of id‖name‖key.
func KeyHash(a Agent) string {
	sum := sha1.Sum([]byte(FormatID(a.ID) + a.Name + a.Key))
	return hex.EncodeToString(sum[:])
}

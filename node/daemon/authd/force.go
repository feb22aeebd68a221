package authd

import (
	"fmt"
	"time"
)

// replaceRefusal tells why an existing agent may not be replaced ("" = it may). It mirrors
// Wazuh's w_auth_replace_agent; keyHash is nil when the request carried no K: field.
func replaceRefusal(a Agent, keyHash *string, force ForceConfig, now time.Time) string {
	id := FormatID(a.ID)
	if !force.Enabled {
		return fmt.Sprintf("Agent '%s' won't be removed because the force option is disabled.", id)
	}
	if a.ConnectionStatus == "" {
		return fmt.Sprintf("Failed to get agent-info for agent '%s'", id)
	}
	if force.DisconnectedTimeEnabled && a.ConnectionStatus != StatusNeverConnected {
		since := now.Unix() - a.DisconnectionTime
		if a.ConnectionStatus == StatusDisconnected && a.DisconnectionTime > 0 && since < seconds(force.DisconnectedTime) {
			return fmt.Sprintf("Agent '%s' has not been disconnected long enough to be replaced.", id)
		}
		if a.DisconnectionTime == 0 {
			return fmt.Sprintf("Agent '%s' can't be replaced since it is not disconnected.", id)
		}
	}
	if limit := seconds(force.AfterRegistrationTime); limit > 0 && now.Unix()-a.DateAdd < limit {
		return fmt.Sprintf("Agent '%s' doesn't comply with the registration time to be removed.", id)
	}
	if force.KeyMismatch && keyHash != nil && KeyHash(a) == *keyHash {
		return fmt.Sprintf("Agent '%s' key already exists on the manager.", id)
	}
	return ""
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

package authd

import (
	"time"

	"github.com/sirupsen/logrus"
)

// ForceConfig is <auth><force>: when an enrolling agent may replace a registered one that has
// the same name, IP or (JSON API) id.
type ForceConfig struct {
	Enabled                 bool
	KeyMismatch             bool
	DisconnectedTimeEnabled bool
	DisconnectedTime        time.Duration
	AfterRegistrationTime   time.Duration
}

// DefaultForceConfig is Wazuh's default: enabled, key_mismatch, disconnected_time 1h,
// after_registration_time 1h.
func DefaultForceConfig() ForceConfig {
	return ForceConfig{
		Enabled:                 true,
		KeyMismatch:             true,
		DisconnectedTimeEnabled: true,
		DisconnectedTime:        time.Hour,
		AfterRegistrationTime:   time.Hour,
	}
}

// Config is the authd configuration the service needs.
type Config struct {
	// Password is the shared enrollment secret; "" means none (the node reads etc/authd.pass
	// when use_password is set).
	Password            string
	UseSourceIP         bool
	Force               ForceConfig
	AllowHigherVersions bool
	// ManagerVersion is compared with the agent's V: field on major.minor, e.g. "v4.14.7";
	// "" skips the check.
	ManagerVersion string
	// ManagerHostname is refused as an agent name.
	ManagerHostname string
	// SharedDir is <home>/etc/shared: a group must exist as a folder there (master checks).
	SharedDir string
	// Purge removes replaced agents without keeping a '!' entry.
	Purge bool
	// Now is the clock of the force rules; nil means time.Now.
	Now func() time.Time
	// Log receives authd's log lines; nil discards them.
	Log *logrus.Entry
}

// DefaultConfig is Wazuh's authd default configuration.
func DefaultConfig() Config {
	return Config{Force: DefaultForceConfig()}
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

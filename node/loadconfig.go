package node

import (
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/node/config"
)

// Config is a node's whole configuration: ossec.conf's <cluster> and <auth>, and cluster.json.
type Config struct {
	Cluster  config.Cluster
	Auth     config.Auth
	Remote   config.Remote
	Internal config.Internal
	Warnings []string
}

// LoadConfig reads <home>/etc/ossec.conf (or ossecPath when not empty) and
// <home>/etc/cluster.json, and validates both. It returns every problem found, joined, so that
// -t can print them all; a disabled cluster is reported with ErrClusterDisabled.
func LoadConfig(home, ossecPath string) (Config, error) {
	if ossecPath == "" {
		ossecPath = config.OSSECConfPath(home)
	}
	var cfg Config
	cluster, warnings, err := config.LoadOSSECConf(ossecPath)
	if err != nil {
		return cfg, &ConfigError{Problems: []error{err}}
	}
	cfg.Cluster, cfg.Warnings = cluster, warnings
	if cfg.Auth, err = config.LoadAuth(ossecPath); err != nil {
		return cfg, &ConfigError{Problems: []error{err}}
	}
	if cfg.Remote, err = config.LoadRemote(ossecPath); err != nil {
		return cfg, &ConfigError{Problems: []error{err}}
	}
	internal, err := config.LoadInternal(config.InternalPath(home))
	if err != nil {
		return cfg, &ConfigError{Problems: []error{err}}
	}
	cfg.Internal = internal
	if cluster.Disabled {
		return cfg, ErrClusterDisabled
	}
	problems, more := cluster.Validate()
	cfg.Warnings = append(cfg.Warnings, more...)
	problems = append(problems, internal.Validate()...)
	if len(problems) > 0 {
		return cfg, &ConfigError{Problems: problems}
	}
	return cfg, nil
}

// ConfigError lists every problem of an invalid configuration; it matches ErrInvalidConfig.
type ConfigError struct{ Problems []error }

func (e *ConfigError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return fmt.Sprintf("%v: %s", ErrInvalidConfig, strings.Join(msgs, "; "))
}

// Unwrap makes a ConfigError match ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

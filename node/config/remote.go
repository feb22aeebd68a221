package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Remote is the secure <remote> section of ossec.conf (wazuh-remoted) with the agent timers of
// <global>, after Wazuh's defaults.
type Remote struct {
	Disabled            bool          // clusterd's own: no agent listener on this node
	Port                int           // <port>, 1514
	TCP, UDP            bool          // <protocol>: tcp (default), udp or tcp,udp
	LocalIP             string        // <local_ip>: "" = the node's bind address
	ConnectionOvertake  time.Duration // <connection_overtake_time>, 60 s
	AllowHigherVersions bool          // <agents><allow_higher_versions>
	// AgentsDisconnectionTime is <global><agents_disconnection_time>: how long an agent may stay
	// silent before it is marked disconnected (900 s).
	AgentsDisconnectionTime time.Duration
}

// DefaultRemote returns Wazuh's defaults.
func DefaultRemote() Remote {
	return Remote{Port: 1514, TCP: true, ConnectionOvertake: 60 * time.Second, AgentsDisconnectionTime: 900 * time.Second}
}

// LoadRemote reads <remote> and <global> from the ossec.conf at path; a missing file gives the
// defaults.
func LoadRemote(path string) (Remote, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return DefaultRemote(), nil
	}
	if err != nil {
		return Remote{}, fmt.Errorf("read ossec.conf: %w", err)
	}
	r, err := ParseRemote(data)
	if err != nil {
		return Remote{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// ParseRemote reads the secure <remote> section (the last one whose <connection> is secure or
// absent; syslog sections are another daemon's) and <global><agents_disconnection_time>.
func ParseRemote(data []byte) (Remote, error) {
	r := DefaultRemote()
	remotes, err := sections(data, "remote")
	if err != nil {
		return r, err
	}
	var secure *xmlElement
	for _, sec := range remotes {
		if c := sec.child("connection"); c == nil || c.text == "secure" {
			secure = sec
		}
	}
	if secure != nil {
		for _, opt := range secure.children {
			if err := r.set(opt); err != nil {
				return Remote{}, fmt.Errorf("<remote><%s>: %w", opt.name, err)
			}
		}
	}
	globals, err := sections(data, "global")
	if err != nil {
		return r, err
	}
	for _, g := range globals {
		if opt := g.child("agents_disconnection_time"); opt != nil {
			if r.AgentsDisconnectionTime, err = ParseWazuhDuration(opt.text); err != nil {
				return Remote{}, fmt.Errorf("<global><agents_disconnection_time>: %w", err)
			}
		}
	}
	return r, nil
}

func (r *Remote) set(opt *xmlElement) error {
	var err error
	switch opt.name {
	case "port":
		r.Port, err = strconv.Atoi(opt.text)
		if err == nil && (r.Port < 1 || r.Port > 65535) {
			err = fmt.Errorf("%w: %d", ErrInvalidPort, r.Port)
		}
	case "protocol":
		r.TCP, r.UDP = false, false
		for _, p := range strings.Split(strings.ToLower(opt.text), ",") {
			switch strings.TrimSpace(p) {
			case "tcp":
				r.TCP = true
			case "udp":
				r.UDP = true
			default:
				return fmt.Errorf("%w: protocol %q", ErrMalformedOption, p)
			}
		}
	case "local_ip":
		r.LocalIP = opt.text
	case "connection_overtake_time":
		r.ConnectionOvertake, err = ParseWazuhDuration(opt.text)
	case "agents":
		if sub := opt.child("allow_higher_versions"); sub != nil {
			r.AllowHigherVersions, err = yesNo(sub.text)
		}
	}
	return err
}

func (e *xmlElement) child(name string) *xmlElement {
	var last *xmlElement
	for _, c := range e.children {
		if c.name == name {
			last = c
		}
	}
	return last
}

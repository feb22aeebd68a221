package node

import (
	"errors"
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/manager"
)

// Mode is what a node is beside the cluster protocol, the one switch between clusterd's two
// ways of running (Options.Mode).
type Mode int

const (
	// ModeStandalone: the node is a manager of its own. It keeps its agents in its own
	// database (SQLite under var/db), enrolls agents (<auth>, 1515) and serves them (<remote>,
	// 1514), and answers sendsync with those services.
	ModeStandalone Mode = iota
	// ModeWazuh: the node is the cluster daemon of the Wazuh manager installed at its home, in
	// place of wazuh-clusterd, and nothing else. The manager's wazuh-db keeps the agents, its
	// authd and remoted serve them, and sendsync goes to their sockets; none of the standalone
	// services starts.
	ModeWazuh
	// ModeAuto: ModeWazuh when the home is a Wazuh manager install, else ModeStandalone
	// (ChooseMode).
	ModeAuto
)

// ParseMode reads a mode as --mode and clusterd.mode spell it.
func ParseMode(s string) (Mode, error) {
	switch s {
	case config.ModeWazuh:
		return ModeWazuh, nil
	case config.ModeStandalone:
		return ModeStandalone, nil
	case config.ModeAuto:
		return ModeAuto, nil
	}
	return 0, fmt.Errorf("%w: mode must be %q, %q or %q, got %q", ErrInvalidConfig,
		config.ModeAuto, config.ModeWazuh, config.ModeStandalone, s)
}

// String spells the mode as --mode takes it.
func (m Mode) String() string {
	switch m {
	case ModeWazuh:
		return config.ModeWazuh
	case ModeAuto:
		return config.ModeAuto
	}
	return config.ModeStandalone
}

// ModeChoice is the mode a node runs in and why.
type ModeChoice struct {
	Mode Mode
	// Why says what decided it, for the start-up log line.
	Why string
	// Install is the Wazuh manager found at the home (Version empty when there is none).
	Install manager.Install
	// Warnings are what the start should say about the choice, which does not stop it.
	Warnings []string
}

// ChooseMode decides the mode of a node at home: flag (the command line's --mode, "" when not
// given) wins over clusterd.mode in cluster.json, whose default is "auto": Wazuh mode on a
// Wazuh manager install, standalone anywhere else. It refuses, with one problem each, what
// mixes the two modes: Wazuh mode where no manager is installed, standalone mode on a manager
// (its own store and listeners would compete with the manager's wazuh-db, authd and remoted),
// and, in Wazuh mode, cluster.json keys that only shape the standalone listeners.
func ChooseMode(home, flag string, cfg Config) (ModeChoice, []error) {
	choice, source := flag, "--mode "+flag
	if flag == "" {
		choice, source = cfg.Internal.Clusterd.Mode, fmt.Sprintf("clusterd.mode %q in cluster.json", cfg.Internal.Clusterd.Mode)
	}
	mode, err := ParseMode(choice)
	if err != nil {
		return ModeChoice{}, []error{err}
	}
	inst, detectErr := manager.DetectInstall(home)
	isManager := detectErr == nil
	var problems []error
	refuse := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	out := ModeChoice{Mode: mode}
	if isManager {
		out.Install = inst
	}
	switch mode {
	case ModeAuto:
		switch {
		case isManager:
			out.Mode, out.Why = ModeWazuh, fmt.Sprintf("the Wazuh manager %s is installed at %s", inst.Version, home)
		case errors.Is(detectErr, manager.ErrNotManager):
			out.Mode, out.Why = ModeStandalone, fmt.Sprintf("no Wazuh manager is installed at %s", home)
		default:
			refuse("cannot tell whether %s is a Wazuh manager install (%v); choose with --mode wazuh or --mode standalone", home, detectErr)
		}
	case ModeWazuh:
		if !isManager {
			refuse("Wazuh mode (%s) runs clusterd in place of wazuh-clusterd on a Wazuh manager, and %s is not one (%v)", source, home, detectErr)
		}
		out.Why = source
	case ModeStandalone:
		if isManager {
			refuse("standalone mode (%s) on the Wazuh manager %s installed at %s: clusterd's own agent store, enrollment and agent listener would compete with the manager's wazuh-db, authd and remoted; use --mode wazuh (or auto) there",
				source, inst.Version, home)
		}
		out.Why = source
	}
	if out.Mode == ModeWazuh {
		// Wazuh nodes accept a hello only with their own version, so the manager's other nodes
		// run the manager's: a clusterd announcing another is refused by a Wazuh master.
		if announced := cfg.Internal.Clusterd.Version; isManager && strings.TrimPrefix(inst.Version, "v") != announced {
			out.Warnings = append(out.Warnings, fmt.Sprintf("The Wazuh manager at %s is %s and clusterd announces version %s in its hello; Wazuh masters accept only their own version: set clusterd.version in cluster.json to the cluster's.",
				home, inst.Version, announced))
		}
		if keys := cfg.Internal.Clusterd.StandaloneKeys; len(keys) > 0 {
			refuse("Wazuh mode: cluster.json sets %s, which only shape clusterd's own agent and enrollment listeners; the manager's remoted and authd serve the agents here: remove them",
				strings.Join(keys, ", "))
		}
	}
	return out, problems
}

// describe is the start-up log line of the mode.
func (c ModeChoice) describe() string {
	why := ""
	if c.Why != "" {
		why = " (" + c.Why + ")"
	}
	if c.Mode == ModeWazuh {
		return "Running in Wazuh mode" + why + ": clusterd is the manager's cluster daemon only; the manager's wazuh-db keeps the agents, its authd and remoted enroll and serve them."
	}
	return "Running in standalone mode" + why + ": clusterd keeps its own agent store and enrolls and serves the agents itself."
}

package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/fsutil"
)

// groupsHoldName is the marker of held agent-groups, beside the agent database.
const groupsHoldName = "agent-groups.hold"

// groupsHold keeps a master's agent-groups away from the workers while the master's
// memberships are unconfirmed: its agent database was rebuilt from client.keys, which carries
// no group, while group folders say agents had groups. The workers then hold the only copy of
// the memberships, and the master's sync would override it with nothing (every worker's full
// copy, then every agent's "default" once it reports). While held, the master sends no
// agent-groups and gives no agent the default group (an agent keeps the configuration it has).
//
// The hold is a file (var/db/agent-groups.hold), so it survives a restart (the store, no
// longer new, would not show the loss again) and an operator ends it by removing the file once
// the memberships are restored (a backup of the database, or the groups assigned again), or
// to accept the master's state as it is.
type groupsHold struct {
	path string
	log  *logrus.Entry
	held atomic.Bool
}

func groupsHoldPath(home string) string { return filepath.Join(home, "var", "db", groupsHoldName) }

// openGroupsHold reads whether the master's agent-groups are held (the marker exists).
func openGroupsHold(home string, log *logrus.Entry) *groupsHold {
	h := &groupsHold{path: groupsHoldPath(home), log: log}
	if _, err := os.Stat(h.path); err == nil {
		h.held.Store(true)
	}
	return h
}

// start holds the agent-groups, writing why in the marker.
func (h *groupsHold) start(why string) error {
	line := time.Now().UTC().Format(time.RFC3339) + " " + why + "\n"
	if err := fsutil.WriteFileAtomic(h.path, []byte(line), 0o640); err != nil {
		return fmt.Errorf("hold the agent-groups: %w", err)
	}
	h.held.Store(true)
	return nil
}

// check returns ErrGroupsHeld while the marker exists. It stats a file, so it runs where store
// calls run (the actors' goroutines, remoted's), never in an actor's Receive; once the marker
// is gone it costs nothing.
func (h *groupsHold) check() error {
	if h == nil || !h.held.Load() {
		return nil
	}
	if _, err := os.Stat(h.path); errors.Is(err, fs.ErrNotExist) {
		if h.held.CompareAndSwap(true, false) {
			h.log.Infof("%s was removed: the master's agent-groups are sent to the workers again.", h.path)
		}
		return nil
	}
	return fmt.Errorf("%w: nothing is sent to the workers until %s is removed", ErrGroupsHeld, h.path)
}

// Held reports whether the master's agent-groups are held.
func (h *groupsHold) Held() bool { return h != nil && h.check() != nil }

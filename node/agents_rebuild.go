package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/clusterd/clusterd/node/daemon/groupfiles"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// maxGroupsNamed bounds the groups named in the warning about a rebuilt store.
const maxGroupsNamed = 10

// openStore opens the agent database. A file that exists but holds nothing (wazuhdb.ErrBlankFile:
// a 0-byte file, which SQLite would take for an empty database, or a database without tables)
// beside a client.keys that lists agents was truncated or replaced, and every agent's groups
// and status with it: the node stops, naming the file, where it used to rebuild the agents
// silently and push their lost memberships to every worker. Beside no agent, nothing was lost
// and the file is used.
func openStore(dbPath, keysPath string, opts ...wazuhdb.Option) (*wazuhdb.Store, error) {
	st, err := wazuhdb.Open(dbPath, opts...)
	if errors.Is(err, wazuhdb.ErrBlankFile) {
		entries, kerr := keysImporter{path: keysPath}.read()
		if kerr != nil {
			return nil, kerr
		}
		if agents := activeKeys(entries); agents > 0 {
			return nil, fmt.Errorf("%w: %v, while %s lists %d agents: it was truncated or replaced, and the agents' groups with it. "+
				"Restore it from a backup, or move it away to rebuild the agents from client.keys without their groups",
				ErrDamagedStore, err, keysPath, agents)
		}
		st, err = wazuhdb.Open(dbPath, append(opts, wazuhdb.AcceptBlank())...)
	}
	if err != nil {
		return nil, fmt.Errorf("open the agent database: %w", err)
	}
	return st, nil
}

// takeOverKeys fills a store that holds no agent from client.keys (the agents of an existing
// installation, or of a database that was removed). On a master whose client.keys lists
// agents beside group folders other than "default", the memberships were in the database
// (client.keys carries none): the agents are imported, a warning names the files, and the
// agent-groups are held until an operator says the master's state is right (groupsHold).
func (n *Node) takeOverKeys(ctx context.Context, db *agentDB, keys keysImporter) error {
	entries, err := keys.read()
	if err != nil {
		return err
	}
	if agents := activeKeys(entries); agents > 0 && n.settings.IsMaster() {
		// Before the import: once the agents are in, the store is no longer new, and a crash
		// there must not let the next start forget the loss.
		if err := n.holdLostGroups(db, keys.path, agents); err != nil {
			return err
		}
	}
	return keys.importEntries(ctx, entries)
}

// holdLostGroups holds the master's agent-groups when group folders other than "default"
// say the agents about to be imported without groups had some.
func (n *Node) holdLostGroups(db *agentDB, keysPath string, agents int) error {
	groups, err := groupfiles.GroupFolders(db.sharedDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var named []string
	for _, g := range groups {
		if g != "default" {
			named = append(named, g)
		}
	}
	if len(named) == 0 {
		n.log.Infof("The agent database held no agent: importing the %d agents of %s.", agents, keysPath)
		return nil
	}
	count := len(named)
	if count > maxGroupsNamed {
		named = append(named[:maxGroupsNamed], "…")
	}
	text := fmt.Sprintf("The agent database %s held no agent: the %d agents of %s are imported without their groups, "+
		"while %s has %d groups (%s). The master's agent-groups are held: they are not sent to the workers, "+
		"and no agent is given the default group, until %s is removed. Restore the database from a backup, "+
		"or assign the groups again, then remove that file.",
		db.st.Path(), agents, keysPath, db.sharedDir, count, strings.Join(named, ", "), db.hold.path)
	if err := db.hold.start(text); err != nil {
		return err
	}
	n.log.Warn(text)
	return nil
}

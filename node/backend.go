package node

import (
	"strings"

	"github.com/clusterd/clusterd/node/manager"
)

// StoreBackend is where a node keeps its agents (Options.Backend).
type StoreBackend int

const (
	// EmbeddedStore is the node's own agent database (standalone mode): SQLite under
	// var/db, with the node's enrollment service and agent listener.
	EmbeddedStore StoreBackend = iota
	// WazuhDBStore is the wazuh-db of the Wazuh manager installed at the node's home (Wazuh
	// mode, in place of wazuh-clusterd): nothing of the embedded store starts.
	WazuhDBStore
)

// String names the backend as the start-up log does.
func (b StoreBackend) String() string {
	if b == WazuhDBStore {
		return "wazuh-db"
	}
	return "embedded"
}

// openManager hands the actors the store over the manager's wazuh-db. Nothing is dialled: a
// wazuh-db that is not up yet costs each task a cycle, as it does wazuh-clusterd.
func (n *Node) openManager() {
	var opts manager.Options
	if n.opts.WazuhDB != nil {
		opts = *n.opts.WazuhDB
	}
	opts.Log = n.log
	n.manager = manager.New(n.opts.Home, opts)
	n.settings.Services = n.manager.Services(n.settings.IsMaster())
	n.log.Infof("Agents are kept in the manager's wazuh-db (%s); the manager's authd and remoted serve the agents.",
		strings.Join(n.manager.Sockets(), ", "))
}

package node

import (
	"strings"

	"github.com/clusterd/clusterd/node/manager"
)

// openManager hands the actors the services over the manager's daemons (Wazuh mode). Nothing
// is dialled: a wazuh-db that is not up yet costs each task a cycle, as it does wazuh-clusterd.
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

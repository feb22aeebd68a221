package node

import (
	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/logging"
	"github.com/clusterd/clusterd/node/pyframework"
)

// useFramework has the Distributed API run what clusterd does not execute natively with the
// manager's own Python framework (Wazuh mode), as wazuh-clusterd runs everything: node/framework
// keeps the framework's process, and the node's executor falls back on it for every function
// the native one answers NotExecuted.
func (n *Node) useFramework() {
	var opts pyframework.Options
	if n.opts.Framework != nil {
		opts = *n.opts.Framework
	}
	opts.Home, opts.Debug = n.opts.Home, n.opts.Debug
	opts.Log = logging.Tagged(n.log, "Cluster", "Framework")
	launcher := pyframework.NewLauncher(opts)
	n.settings.Services.Framework = launcher
	n.settings.Services.DAPI = dapi.Fallback(n.settings.Services.DAPI, pyframework.NewExecutor(actors.NewFrameworkClient(n.kit)))
	n.log.Infof("The Distributed API requests clusterd does not execute itself run with the manager's framework (%s).", launcher.Interpreter())
}

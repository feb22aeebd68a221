// Package node assembles one clusterd node: it reads the configuration (the <cluster> section
// of ossec.conf and the internal options of cluster.json), sets up logging and the data
// directory, binds the sockets, starts memberlist for liveness and the actor tree, and stops
// them again in order.
//
// The package is the assembly only: New, Start, Stop, the settings and the adapters that wire the
// manager daemons to the actors' service interfaces. Its own pieces are node/config, node/logging
// and node/gossip. The Wazuh manager daemons clusterd carries for standalone use live in
// node/daemon (authd, remoted, wazuhdb, groupfiles), the formats they share with agents and tools
// in node/proto (agent, clientkeys), and the client tools in node/tool (control, agentsim).
package node

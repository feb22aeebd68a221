// Package manager is the store of a node in Wazuh mode: the actors' service interfaces
// (actors.GroupsStore, actors.AgentInfoStore, actors.AgentLister) over the daemons of the Wazuh
// manager clusterd runs on, reached on their sockets under the Wazuh home. Agents live in the
// manager's wazuh-db (node/proto/wdb); the manager's own authd, remoted and wazuh-modulesd keep
// client.keys, merged.mg and the agents' rows, so what the embedded store does for them in
// standalone mode is left to them here. The choices that make clusterd's guarantees hold
// against a real wazuh-db, and where they cannot, are in docs/design.md ("Wazuh mode: the
// manager's wazuh-db is the store").
package manager

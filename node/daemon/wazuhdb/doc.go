// Package wazuhdb is the node's embedded agent database, the counterpart of
// Wazuh's wazuh-db and its var/db/global.db: the agent table with its labels,
// the groups and their memberships, and the removed client.keys entries.
// GlobalCommands answers the wazuh-db "global" commands that manage groups.
//
// It is the only place this state lives, so everything is reloaded from the
// SQLite file after a restart. client.keys is rendered from it (keystore
// order: active entries by key position, then removed entries), and the
// agent-groups synchronisation of the cluster (pages, per-agent group hashes
// and the global hash) follows the wazuh-db global commands.
//
// The driver is the pure-Go modernc.org/sqlite, so no CGO is needed. A single
// connection serialises every statement: writes are serialised by SQLite
// anyway and one connection keeps transactions simple and free of SQLITE_BUSY
// between goroutines of the same process.
package wazuhdb

// Package standin runs stand-ins for the daemons of a Wazuh 4.14.7 manager on real Unix
// sockets under a test home, for the tests of a node in Wazuh mode (clusterd in place of
// wazuh-clusterd, the manager's daemons around it).
//
// WazuhDB is wazuh-db: its request socket queue/db/wdb (4-byte little-endian length + text,
// answers "ok"/"due"/"err", cluster §6.2, §7.1) and its HTTP API on queue/sockets/wdb-http.sock
// (GET and POST /v1/agents/sync, POST /v1/agents/summary, §6.1), over an SQLite database with
// the tables of wazuh-db's global.db. It is written from docs/protocol and from wazuh-db's C and
// C++ sources (wdb_global.c, wdb_parser.c, the router's wazuh-db endpoints), not from the node's
// client (node/proto/wdb) nor from its embedded store, so that the tests do not share their
// reading of Wazuh: the group hashes are computed here again, on purpose.
//
// Tests seed and inspect it directly (AddAgent, CreateGroup, Groups, Agent, Exec…), make it
// fail (Stop/Start, FailCommands, FailHTTP) and count what it was asked (Commands, Requests).
// Other daemons' stand-ins (authd, remoted, task-manager) belong beside it in this package.
package standin

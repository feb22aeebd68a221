// Package wdb speaks to a Wazuh manager's wazuh-db, the daemon that keeps the agents' global
// database, over its two Unix sockets (cluster §6, §7, §10):
//
//   - queue/db/wdb: requests and answers framed with a 4-byte little-endian length, the answer
//     text "<status> <payload>" with status ok, due (more to come: ask again) or err, at most
//     64 KiB (Client, Conn: agent-groups paging, set-agent-groups, the group hashes, SQL);
//   - queue/sockets/wdb-http.sock: HTTP/1.1 with JSON bodies under http://localhost/v1
//     (HTTPClient: GET and POST /v1/agents/sync, the agents summary).
//
// Every answer is bounded before anything is allocated for it and every call has a deadline:
// a broken or hostile wazuh-db cannot make the node hold more than the bound nor wait forever.
// Failures are Wazuh's errors (messages.ErrWazuhDBConnect 2005, ErrWazuhDBRetrieve 2007,
// ErrWazuhDBPagination 2009, ErrWazuhDBSendingHTTP 2013, …), matched with errors.Is.
package wdb

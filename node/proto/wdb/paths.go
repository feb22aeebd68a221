package wdb

import "path/filepath"

// SocketPath is wazuh-db's request socket under a Wazuh home (WDB_LOCAL_SOCK).
func SocketPath(home string) string { return filepath.Join(home, "queue", "db", "wdb") }

// HTTPSocketPath is wazuh-db's HTTP socket under a Wazuh home (common.WDB_HTTP_SOCKET + ".sock").
func HTTPSocketPath(home string) string {
	return filepath.Join(home, "queue", "sockets", "wdb-http.sock")
}

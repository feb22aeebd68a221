// Package clientkeys reads and writes Wazuh's etc/client.keys, the agent keystore every manager
// daemon shares: one "<id> <name> <ip> <key>" line per agent, removed agents marked with '!'.
// It is the format only; the agent database (node/daemon/wazuhdb) renders the file from its
// rows and imports it, and the agent listener (node/daemon/remoted) reloads it when it changes.
package clientkeys

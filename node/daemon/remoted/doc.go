// Package remoted is the manager side of the Wazuh agent channel (wazuh-remoted,
// port 1514): it accepts agents over TCP and UDP, identifies and decrypts every
// secure message with the agent's client.keys entry, answers startup and
// keepalive messages, records agent status through a Store, pushes the group's
// merged.mg when an agent reports a stale one, and writes events to the archive
// log in the form remoted forwards them to analysisd.
//
// It runs on every node of a cluster; the Store adapter writes the sync_status
// markers the agent-info sync ships to the master.
package remoted

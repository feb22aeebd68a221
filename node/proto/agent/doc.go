// Package agentproto implements the Wazuh agent ↔ manager secure-message protocol
// (wazuh-remoted, port 1514): per-agent AES/Blowfish encryption of zlib-compressed,
// MD5-checked messages, sender counters, TCP framing, the control messages
// (startup, keepalive, ack, shutdown, merged.mg push) and event messages.
//
// It is used by both sides: the manager (remoted) and agents.
package agentproto

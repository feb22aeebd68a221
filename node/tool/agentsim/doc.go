// Package agentsim runs thousands of simulated Wazuh agents in one process.
//
// Each simulated agent enrolls (authd, TLS) or uses a given key, connects to the
// first of its managers (remoted, TCP), sends the startup message and waits for the
// ack, then sends keepalives every notify time and log events at a fixed rate.
// Events wait in a client buffer while the agent is disconnected and leave it only
// once written to a socket. On a lost connection, a missing answer for
// time-reconnect or "#!-force_reconnect" the agent retries its server and then fails
// over to the next one in order, wrapping, as a Wazuh v4.14 agent does.
// Shared configuration pushes (merged.mg) are verified by md5 and the new sum is
// reported in the next keepalive.
package agentsim

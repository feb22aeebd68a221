// Package gossip is a node's liveness detector, built on hashicorp/memberlist.
//
// memberlist only answers "who is alive": it carries no cluster data. Every
// member advertises a small JSON Meta (node type, version, Wazuh TCP port,
// state, implementation) and the package reports joins, failures, graceful
// leaves and meta updates through a caller-supplied notify function that must
// never block (in practice a non-blocking actor Send).
//
// Two memberlist traits shape the design:
//
//   - NotifyLeave reports the same node state for a failure and for a graceful
//     leave (hashicorp/memberlist#293), so a leaving member first re-advertises
//     its Meta with State "leaving"; peers report the later Leave with Left=true.
//   - memberlist forgets dead members without an event, so the package keeps
//     its own table of members, fed by the same events, to answer Members()
//     with an Alive flag.
//
// Every packet is encrypted with AES-256-GCM under a key derived from the
// Wazuh cluster key and labelled with the cluster name, so clusters with
// another name or key never merge.
package gossip

// Package ha replicates the master's state between the master-eligible nodes of a cluster, so
// that the master is not a single point of failure (issue 12).
//
// It wraps etcd's raft library (go.etcd.io/raft/v3), which is a state machine without I/O, and
// brings what the library leaves to its user:
//
//   - a durable log (storage.go): every entry and the hard state are written to a bbolt file
//     and synced before the messages that depend on them are sent; the file is the library's
//     Storage, read as raft needs entries, so the log holds no memory;
//   - a transport (transport.go): raft messages travel over TCP as frames of the cluster
//     protocol (wire), encrypted with the cluster key's Fernet like every cluster connection;
//   - the loop that drives the library (member.go): ticks, persists, sends, applies committed
//     entries to an FSM, and answers each proposal once its entry is applied;
//   - the FSM of the master's state (agents_fsm.go): agent registrations, removals (and so
//     the id counter), group definitions and assignments, applied to the node's embedded store
//     (node/daemon/wazuhdb) so that an entry applied twice changes nothing.
//
// The leader is the acting master. A member reports itself as leader only once it has applied
// every entry committed before its term (Member.Leader), so the acting master never decides an
// enrollment against a state older than what the previous master acknowledged. CheckQuorum and
// PreVote make a leader cut from the majority step down within an election timeout, and a
// follower refuses proposals (ErrNotLeader) rather than forwarding them: only the acting master
// writes.
package ha

// Package actors holds every actor of a clusterd node: the supervisor tree, the per-peer
// MasterHandler and WorkerHandler, the periodic task actors (keepalive, integrity, agent-info,
// agent-groups, sendsync, DAPI), the membership actor fed by memberlist, the local-socket
// servers, and the introspection (stats) and fault-injection middleware.
//
// Rules every actor here follows (see docs/design.md):
//   - it is spawned through Kit.Spawn, the one props helper, so it can be seen and killed;
//   - state that must survive a restart lives on disk or in the store and is reloaded in Started;
//   - timers re-arm after the work finishes and are cancelled in Restarting and Stopping;
//   - nothing blocks inside Receive: slow work runs in a goroutine tied to a context that is
//     cancelled when the actor stops, and reports back with a message.
package actors

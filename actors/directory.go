package actors

import (
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// Directory says which role subtree runs on the node and where its actors are. It is the one
// place where an actor outside a role subtree (membership, the local socket's connections)
// or the node itself (enrollment, group changes) finds a role actor, so that after a role
// change nobody talks to the previous role's actors: "who is groups-send now" has one answer.
// Actors inside a role subtree get their siblings' addresses when they are spawned instead.
// The node's root actor alone changes it; anyone may read it, from any goroutine.
type Directory struct {
	cur atomic.Pointer[roleAddrs]
}

// roleAddrs is one role's address book; exactly one of master and worker is set.
type roleAddrs struct {
	master *MasterRole
	worker *WorkerRole
}

// Role returns the role whose subtree runs, RoleNone while none does (between a StopRole and
// the next StartRole).
func (d *Directory) Role() Role {
	switch cur := d.cur.Load(); {
	case cur == nil:
		return RoleNone
	case cur.master != nil:
		return RoleMaster
	default:
		return RoleWorker
	}
}

// Master returns the master subtree's addresses, nil unless the node runs the master role.
func (d *Directory) Master() *MasterRole {
	if cur := d.cur.Load(); cur != nil {
		return cur.master
	}
	return nil
}

// Worker returns the worker subtree's addresses, nil unless the node runs the worker role.
func (d *Directory) Worker() *WorkerRole {
	if cur := d.cur.Load(); cur != nil {
		return cur.worker
	}
	return nil
}

// set publishes the addresses of role's subtree (RoleNone: no role runs).
func (d *Directory) set(system *actor.ActorSystem, role Role) {
	switch role {
	case RoleMaster:
		d.cur.Store(&roleAddrs{master: masterRole(system)})
	case RoleWorker:
		d.cur.Store(&roleAddrs{worker: workerRole(system)})
	default:
		d.cur.Store(nil)
	}
}

package node

import (
	"context"

	"github.com/clusterd/clusterd/messages"
)

// replicaGroupsStore is the agent-groups store of a master-eligible node. As a standby it runs
// the worker role, whose agent-groups task applies what the acting master broadcasts; here the
// replicated log already applied the same assignments, and a broadcast read before a change
// and delivered after it would undo the change in the replica (an agent removed meanwhile
// would come back as a row without key). So it applies nothing: the broadcast's checksum still
// tells the worker role whether the replica matches the acting master's.
type replicaGroupsStore struct{ groupsStore }

func (replicaGroupsStore) ApplyGroups(context.Context, []messages.AgentGroupsEntry) error { return nil }

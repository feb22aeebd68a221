package actors

import (
	"context"
	"slices"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
)

// localReply carries the answer to a local client's request, computed off the actor.
type localReply struct {
	counter uint32
	payload []byte
	err     error
}

// rulesetHashes answers get_hash (DAPI §1.3, cluster §9.4): the BLAKE2b of every file of this
// node's own ruleset (etc/rules, etc/decoders, etc/lists), by path, as Wazuh's
// get_ruleset_status computes it. The API compares each node's answer with the master's for
// GET /cluster/ruleset/synchronization.
func (l *LocalConn) rulesetHashes(c actor.Context, counter uint32) {
	home := l.settings.Home
	l.work.Run(c, l.settings.RequestTimeout, func(ctx context.Context) any {
		hashes, err := integrity.RulesetHashes(ctx, home)
		if err != nil {
			return &localReply{counter: counter, err: err}
		}
		paths := make([]string, 0, len(hashes))
		for p := range hashes {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		doc := make(messages.Object, 0, len(paths))
		for _, p := range paths {
			doc = append(doc, messages.Member{Key: p, Value: hashes[p]})
		}
		return &localReply{counter: counter, payload: messages.EncodeJSON(doc)}
	})
}

package integrity

import (
	"context"
	"fmt"
)

// RulesetHashes returns the BLAKE2b of every file of the node's own ruleset under home (the
// items of RulesetKeys: etc/rules, etc/decoders, etc/lists), by path relative to home, as
// Wazuh's get_ruleset_status answers the local get_hash: the same files an integrity scan
// takes from those folders, hashed afresh.
func RulesetHashes(ctx context.Context, home string) (map[string]string, error) {
	s := &Scanner{Home: home, Workers: 2, Keys: RulesetKeys}
	meta, _, err := s.Scan(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("ruleset hashes: %w", err)
	}
	out := make(map[string]string, len(meta))
	for path, m := range meta {
		out[path] = m.Hash
	}
	return out, nil
}

package actors

import (
	"context"
	"encoding/hex"
	"slices"

	"golang.org/x/crypto/blake2b"

	"github.com/clusterd/clusterd/actors/integrity"
)

// TreeGate decides whether the acting master distributes the file tree it scanned: a
// replicated master records the tree it distributes in the replicated log, and a new acting
// master whose tree is not the recorded one (older, or empty) holds it back instead of making
// every worker take it.
type TreeGate interface {
	// Distribute is called off the actor after each scan with the tree's digest (TreeDigest);
	// false holds the tree back: no worker is given permission to synchronise.
	Distribute(ctx context.Context, digest string) (bool, error)
}

// TreeDigest is a digest of the files the master distributes, by path and content:
// client.keys ("etc/") is left out, since it follows the replicated agents, not the tree.
func TreeDigest(meta integrity.Metadata) string {
	paths := make([]string, 0, len(meta))
	for p, f := range meta {
		if f.ClusterItemKey != "etc/" {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	h, _ := blake2b.New256(nil)
	for _, p := range paths {
		f := meta[p]
		for _, s := range []string{p, f.ClusterItemKey, f.Hash} {
			_, _ = h.Write([]byte(s))
			_, _ = h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

package node

import (
	"path/filepath"
	"strings"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/node/fsutil"
)

// maxLeftoversNamed bounds the paths named in the start-up line about removed temporary files.
const maxLeftoversNamed = 10

// removeLeftovers removes the temporary files a crash of an earlier run left where the node
// writes whole files: the synchronised folders (merged.mg, client.keys, agent.conf, files
// applied from the master), queue/rids (the sender counter) and the enrollment certificate's
// folder when it is under home. Only the project's own temporary names are touched
// (integrity.IsTempName). The per-peer folders of queue/cluster are wiped by prepareHome, and
// log archives, never synchronised, are left alone. A folder that cannot be cleaned is a
// warning, not a failed start: the integrity scan never takes these files anyway.
func (n *Node) removeLeftovers() {
	home := n.opts.Home
	type folder struct {
		dir       string
		recursive bool
	}
	var folders []folder
	for _, it := range integrity.Items {
		folders = append(folders, folder{filepath.Join(home, filepath.FromSlash(it.Key)), it.Recursive})
	}
	folders = append(folders, folder{dir: filepath.Join(home, "queue", "rids")})
	seen := map[string]bool{}
	for _, f := range folders {
		seen[f.dir] = true
	}
	for _, p := range []string{n.cfg.Auth.SSLManagerCert, n.cfg.Auth.SSLManagerKey} {
		if p == "" {
			continue
		}
		dir := filepath.Dir(homePath(home, p))
		if rel, err := filepath.Rel(home, dir); err != nil || strings.HasPrefix(rel, "..") || seen[dir] {
			continue
		}
		seen[dir] = true
		folders = append(folders, folder{dir: dir})
	}
	var removed []string
	for _, f := range folders {
		got, err := fsutil.RemoveTempFiles(f.dir, f.recursive)
		removed = append(removed, got...)
		if err != nil {
			n.log.Warnf("Could not remove the temporary files of an earlier run: %v", err)
		}
	}
	if len(removed) == 0 {
		return
	}
	named := removed[:min(len(removed), maxLeftoversNamed)]
	for i, p := range named {
		if rel, err := filepath.Rel(home, p); err == nil {
			named[i] = rel
		}
	}
	more := ""
	if len(removed) > len(named) {
		more = ", …"
	}
	n.log.Warnf("Removed %d temporary files left by an earlier run that stopped while writing: %s%s",
		len(removed), strings.Join(named, ", "), more)
}

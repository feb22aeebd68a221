package actors

import (
	"fmt"
	"strings"
)

// liveActors names the actors of the tree still running, in path order, at most max of them: what a
// shutdown that timed out waits for.
func liveActors(r *Registry, max int) string {
	paths := r.Paths()
	if len(paths) == 0 {
		return "none"
	}
	more := ""
	if len(paths) > max {
		more = fmt.Sprintf(" and %d more", len(paths)-max)
		paths = paths[:max]
	}
	return strings.Join(paths, ", ") + more
}

package integrity

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// maxApplyMessages bounds ApplyResult.Messages: a hostile package must not grow it without end.
const maxApplyMessages = 100

// ApplyResult is what applying a master's package did.
type ApplyResult struct {
	Created, Updated, Deleted int // files written from missing, from shared; files removed
	Errors                    struct {
		Overwriting int // shared entries that failed
		Creating    int // missing entries that failed
		Removing    int // extra entries (and folder clean-ups) that failed
	}
	Messages       []string // one per failure, "<path>: <reason>", at most maxApplyMessages
	RulesetChanged bool     // a file of etc/rules, etc/decoders or etc/lists was written or removed
}

// Failed returns the number of failures.
func (r ApplyResult) Failed() int {
	return r.Errors.Overwriting + r.Errors.Creating + r.Errors.Removing
}

// Summary is Wazuh's error line for a sync with failures.
func (r ApplyResult) Summary() string {
	return fmt.Sprintf("Found errors: %d overwriting, %d creating and %d removing",
		r.Errors.Overwriting, r.Errors.Creating, r.Errors.Removing)
}

// Apply applies a master's package on a worker (§5.8, Wazuh's update_master_files_in_worker):
// every missing and shared file is taken from extracted (ReadPackage's result) and written to
// home/<path>; every extra file is removed from home; then, for items with
// remove_subdirs_if_empty, folders the removals left empty (or holding only excluded files) are
// removed, up to but excluding the item's folder.
//
// Each entry must name a known cluster_item_key and a path its item selects, and must stay
// inside home/<item key>: parent folders that are symbolic links resolving elsewhere are refused
// ("file path outside allowed directory"), and every operation goes through an os.Root of the
// item's folder. Writes are atomic: the file is copied to .<name>.tmp in its destination folder,
// synced, given the item's permissions, and renamed over the destination, so the destination
// always holds the old or the new file; the files are staged first, then synced several at a
// time (one journal commit serves many), then renamed in order. A failure is counted and reported and never stops the
// other entries. Ownership is left as created (the daemon runs as Wazuh's user).
func Apply(home string, diff Diff, extracted map[string]string) ApplyResult {
	a := newApplier(home, extracted)
	defer a.close()
	return a.apply(diff)
}

// applier is the state of one Apply.
type applier struct {
	home      string
	extracted map[string]string
	roots     map[string]*os.Root // by item key
	realRoots map[string]string   // item folder with symbolic links resolved, by item key
	emptied   map[string]map[string]bool
	result    ApplyResult

	// staged are the writes waiting for their sync and rename (apply_write.go), and stagedTemp
	// their temporary files, by item key and path inside the item.
	staged     []stagedWrite
	stagedTemp map[[2]string]bool

	// beforeRename runs between writing a temporary file and renaming it into place; tests use
	// it to fail there.
	beforeRename func(tmp string) error
}

func newApplier(home string, extracted map[string]string) *applier {
	if abs, err := filepath.Abs(home); err == nil {
		home = abs
	}
	return &applier{
		home: home, extracted: extracted,
		roots: make(map[string]*os.Root), realRoots: make(map[string]string),
		emptied: make(map[string]map[string]bool), stagedTemp: make(map[[2]string]bool),
	}
}

func (a *applier) close() {
	for _, r := range a.roots {
		_ = r.Close()
	}
}

func (a *applier) apply(diff Diff) ApplyResult {
	for _, rel := range slices.Sorted(maps.Keys(diff.Missing)) {
		a.stage(rel, diff.Missing[rel], false)
	}
	for _, rel := range slices.Sorted(maps.Keys(diff.Shared)) {
		a.stage(rel, diff.Shared[rel], true)
	}
	a.commitStaged()
	for _, rel := range slices.Sorted(maps.Keys(diff.Extra)) {
		removed, err := a.remove(rel, diff.Extra[rel])
		if err != nil {
			a.result.Errors.Removing++
			a.report(rel, err)
		} else if removed {
			a.result.Deleted++
		}
	}
	a.removeEmptied()
	return a.result
}

// report records a failure; a hostile path (which the error may repeat) is cut short so that
// one message stays one short line.
func (a *applier) report(rel string, err error) {
	const maxShown, maxMessage = 256, 1024
	if len(rel) > maxShown {
		rel = rel[:maxShown] + "..."
	}
	switch n := len(a.result.Messages); {
	case n < maxApplyMessages:
		msg := fmt.Sprintf("%s: %v", rel, err)
		if strings.ContainsFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) }) {
			msg = strconv.Quote(msg) // a newline in a path must not forge a log line
		}
		if len(msg) > maxMessage {
			msg = msg[:maxMessage] + "..."
		}
		a.result.Messages = append(a.result.Messages, msg)
	case n == maxApplyMessages:
		a.result.Messages = append(a.result.Messages, "further errors not listed")
	}
}

// written counts a write of rel that ended with err: to a missing file, or over a shared one.
func (a *applier) written(rel string, shared bool, err error) {
	switch {
	case err != nil && shared:
		a.result.Errors.Overwriting++
		a.report(rel, err)
	case err != nil:
		a.result.Errors.Creating++
		a.report(rel, err)
	case shared:
		a.result.Updated++
	default:
		a.result.Created++
	}
}

// remove deletes rel; a file already gone is fine.
func (a *applier) remove(rel string, meta FileMeta) (removed bool, err error) {
	item, inner, err := a.target(rel, meta)
	if err != nil {
		return false, err
	}
	root, err := a.root(item, false)
	if err != nil || root == nil {
		return false, err
	}
	if err := a.checkParents(item, inner); errors.Is(err, errParentNotFolder) {
		return false, nil // nothing can be below a file
	} else if err != nil {
		return false, err
	}
	if item.RemoveSubdirsIfEmpty {
		a.noteEmptied(item, inner)
	}
	removed, err = removeFile(root, inner)
	if removed {
		a.noteRuleset(item)
	}
	return removed, err
}

func (a *applier) noteRuleset(item Item) {
	if slices.Contains(RulesetKeys, item.Key) {
		a.result.RulesetChanged = true
	}
}

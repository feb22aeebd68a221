package actors

import (
	"context"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
)

// maxGroupsChunk is how large one agent-groups page may grow, as wazuh-db cuts its answers.
const maxGroupsChunk = messages.WazuhDBMaxResponseSize

// sharedPrefix is where group folders live, as integrity metadata names them.
const sharedPrefix = "etc/shared/"

// LocalGroups is the master's node/master/local-groups: every sync_agent_groups (after
// agent_group_start_delay), while at least one worker is connected, it reads the assignments the
// workers have not received yet and the global group hash from the store, and hands them to
// GroupsSend: the pending pages, or one page with no data and the hash, which is how a worker
// finds out that its database drifted (§7.2, §7.3). With no worker connected it reads nothing
// (`No clients connected. Skipping.`), so the changes wait for the first worker, as in Wazuh.
// Nothing is marked delivered here: GroupsSend does that once every worker took the broadcast,
// so a restart of either actor mid-broadcast only causes a resend.
//
// It also keeps each group's merged.mg current (remoted's job in Wazuh): all of them once at
// start, then those whose files the master's integrity scan saw change, so the integrity sync
// ships them. Beyond Wazuh: GroupsChanged (sent by the node after an assignment changes) and a
// changed group folder start a cycle at once instead of waiting for the tick.
type LocalGroups struct {
	kit      *Kit
	settings Settings
	send     *actor.PID
	scan     *actor.PID // local-integrity, asked for one scan after each rebuild of merged.mg
	log      *logrus.Entry

	tick     timer
	running  bool
	again    bool
	soon     bool      // tick holds a paced start, not the sync_agent_groups one
	started  time.Time // of the cycle running
	earliest time.Time // no cycle starts before this (see groupsMinGap)
	work     *offload
	rebuild  map[string]bool // groups whose merged.mg must be rebuilt; nil entry set = all
	all      bool
	lastSeen map[string]string // hash of every etc/shared file at the last scan
	workers  int               // connected workers, as GroupsSend last said
}

// Cycles are paced: each reads every pending assignment and hashes every agent's groups, so a
// burst of changes (thousands of agents enrolling and getting their default group) that started
// one cycle per change would cost the square of the agent count. After a cycle, the next waits
// at least groupsGapFactor times as long as that cycle took, and at least groupsMinGap: at most a
// fifth of a core goes to this in a burst, and a lone change after a quiet spell goes out at once
// (Wazuh sends every sync_agent_groups, 10 s). Each cycle is also a broadcast that every worker
// applies, and a write that marks what it delivered: with 200 ms, 50,000 agents getting their
// default group made three or four cycles a second for minutes, on the master and on each of 25
// workers; with 1 s, the cycles were still an eighth of the master's CPU while the agents
// arrived, and the documents of agent-info waited behind their reads and writes.
const (
	groupsMinGap    = 2 * time.Second
	groupsGapFactor = 4
)

// GroupsChanged tells the master's local-groups actor that assignments or groups changed.
type GroupsChanged struct{}

// groupsTick starts a cycle.
type groupsTick struct{}

// groupsRead is what a cycle read from the store; batch is nil when the store failed or the
// cycle had no worker to read for. unbuilt is set when the rebuild of groups (nil: all) failed
// or was cut short: they are rebuilt again by the next cycle.
type groupsRead struct {
	batch   *groupsBatch
	unbuilt bool
	groups  []string
}

// connectedWorkers tells local-groups how many workers GroupsSend has; connectedWorkersQuery
// asks for it (after a restart).
type connectedWorkers struct{ n int }

type connectedWorkersQuery struct{}

// groupsBatch is one broadcast: the chunks to send and the assignments they carry.
type groupsBatch struct {
	chunks  []string
	entries []messages.AgentGroupsEntry
}

// NewLocalGroups returns the producer of the master's local-groups actor. scan is
// local-integrity (nil: nobody to tell), which the folder watcher does not wake for merged.mg.
func NewLocalGroups(kit *Kit, settings Settings, send, scan *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &LocalGroups{kit: kit, settings: settings, send: send, scan: scan, log: kit.Logger("Master", "Local agent-groups")}
	}
}

// Receive implements actor.Actor.
func (l *LocalGroups) Receive(c actor.Context) {
	if l.settings.Services.Groups == nil {
		return
	}
	switch m := c.Message().(type) {
	case *actor.Started:
		l.work = newOffload(l.kit)
		l.rebuild, l.all = map[string]bool{}, true
		c.Request(l.send, &connectedWorkersQuery{})
		delay := l.settings.AgentGroupStartDelay
		l.log.Infof("Sleeping %gs before starting the agent-groups task, waiting for the workers connection.", delay.Seconds())
		l.tick.after(l.kit, delay, c.Self(), &groupsTick{})
	case *IntegrityUpdated:
		if l.noteShared(m.Meta) {
			l.trigger(c)
		}
	case *groupsTick:
		l.soon = false
		l.trigger(c)
	case *GroupsChanged:
		if l.workers > 0 { // with nobody to tell, the change waits in the store
			l.trigger(c)
		}
	case *connectedWorkers:
		l.workers = m.n
	case *groupsRead:
		l.running = false
		if m.unbuilt {
			l.remark(m.groups)
		}
		now := l.kit.Now()
		l.earliest = now.Add(max(groupsMinGap, groupsGapFactor*now.Sub(l.started)))
		if m.batch != nil {
			if len(m.batch.chunks) > 0 {
				c.Send(l.send, m.batch)
			}
			l.log.Infof("Finished in %.3fs.", now.Sub(l.started).Seconds())
		}
		if l.again {
			l.again = false
			l.trigger(c)
			return
		}
		l.tick.after(l.kit, l.settings.SyncAgentGroups, c.Self(), &groupsTick{})
	case *actor.Restarting, *actor.Stopping:
		l.tick.stop()
		l.work.stop()
	}
}

// trigger starts a cycle now, or when the pacing allows.
func (l *LocalGroups) trigger(c actor.Context) {
	if l.running {
		l.again = true
		return
	}
	if wait := l.earliest.Sub(l.kit.Now()); wait > 0 {
		if !l.soon {
			l.soon = true
			l.tick.after(l.kit, wait, c.Self(), &groupsTick{})
		}
		return
	}
	l.start(c)
}

// noteShared compares the master's etc/shared files with the last scan and marks the groups
// whose files changed (every group when ar.conf did). merged.mg itself is ignored, so writing
// it does not trigger another rebuild.
func (l *LocalGroups) noteShared(meta integrity.Metadata) bool {
	seen := make(map[string]string, len(l.lastSeen))
	changed := false
	mark := func(path string) {
		rel := strings.TrimPrefix(path, sharedPrefix)
		group, rest, found := strings.Cut(rel, "/")
		switch {
		case !found && rel == "ar.conf":
			l.all = true
		case found && !strings.HasPrefix(rest, "merged.mg"):
			l.rebuild[group] = true
		default:
			return
		}
		changed = true
	}
	for path, fm := range meta {
		if !strings.HasPrefix(path, sharedPrefix) {
			continue
		}
		seen[path] = fm.Hash
		if l.lastSeen != nil && l.lastSeen[path] != fm.Hash {
			mark(path)
		}
	}
	for path := range l.lastSeen {
		if _, ok := seen[path]; !ok {
			mark(path)
		}
	}
	l.lastSeen = seen
	return changed
}

func (l *LocalGroups) start(c actor.Context) {
	l.running, l.soon = true, false
	l.started = l.kit.Now()
	l.tick.stop()
	var groups []string // nil: every group
	if !l.all {
		groups = make([]string, 0, len(l.rebuild))
		for g := range l.rebuild {
			groups = append(groups, g)
		}
	}
	l.all, l.rebuild = false, map[string]bool{}
	l.log.Info("Starting.")
	read := l.workers > 0
	if !read {
		l.log.Info("No clients connected. Skipping.")
	}
	store, log, root, scan := l.settings.Services.Groups, l.log, l.kit.System.Root, l.scan
	l.work.Run(c, l.settings.TimeoutAgentGroups, func(ctx context.Context) any {
		attempted, ok := rebuildShared(ctx, store, groups, log)
		if attempted && scan != nil {
			// One scan for the whole rebuild, which the watcher ignores, ships what it wrote;
			// a failed or cut-short rebuild may have written some files too.
			root.Send(scan, &RescanIntegrity{})
		}
		var batch *groupsBatch
		if read && ctx.Err() == nil {
			batch = readGroupsBatch(ctx, store, log)
		}
		return &groupsRead{batch: batch, unbuilt: attempted && !ok, groups: groups}
	})
}

// remark marks again the groups (nil: all) whose rebuild failed.
func (l *LocalGroups) remark(groups []string) {
	if groups == nil {
		l.all = true
		return
	}
	for _, g := range groups {
		l.rebuild[g] = true
	}
}

// rebuildShared rebuilds the merged.mg files of groups (nil: every group), which agents need
// whether or not a worker is connected. It reports whether it tried, and whether it succeeded.
func rebuildShared(ctx context.Context, store GroupsStore, groups []string, log *logrus.Entry) (attempted, ok bool) {
	if groups != nil && len(groups) == 0 {
		return false, true
	}
	err := store.RebuildShared(ctx, groups)
	if err != nil && !stopping(err) {
		log.WithError(err).Error("Could not rebuild the groups' merged.mg files.")
	}
	return true, err == nil && ctx.Err() == nil
}

// readGroupsBatch reads one broadcast; nil when the store failed. It always has a page: the
// global hash goes out even when nothing changed, and null when no agent has a group hash, as
// wazuh-db answers.
func readGroupsBatch(ctx context.Context, store GroupsStore, log *logrus.Entry) *groupsBatch {
	start := time.Now()
	entries, err := store.PendingGroups(ctx)
	if err != nil {
		if !stopping(err) {
			log.WithError(err).Error("Could not read the agent-groups to send.")
		}
		return nil
	}
	hash, ok, err := store.GlobalGroupHash(ctx)
	if err != nil {
		if !stopping(err) {
			log.WithError(err).Error("Could not compute the global agent-groups hash.")
		}
		return nil
	}
	chunks := messages.ChunkAgentGroups(entries, messages.AskedGroupsHash(hash, ok), maxGroupsChunk)
	log.Debugf("Obtained %d chunks of data in %.3fs.", len(chunks), time.Since(start).Seconds())
	return &groupsBatch{chunks: chunks, entries: entries}
}

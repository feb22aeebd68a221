package actors

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// masterIntegrity is a MasterHandler's side of integrity synchronisation (§5.6): the
// permission rule, the lock (one sync per worker at a time, released when the sync ends for
// any reason, or after max_locked_integrity_time), the task waiting for the worker's package,
// and the goroutine that compares and ships the master's files.
type masterIntegrity struct {
	current      integrity.Metadata
	free         bool
	lockedAt     time.Time
	askedInCycle bool
	// refusedBusy: this cycle's one ask was refused only because a sync held the lock. A
	// clusterd worker asks at once when told of a change (often while its previous sync still
	// ends here), so the release gives it back its ask and tells it to use it; otherwise it
	// would wait for sync_integrity with files the master changed.
	refusedBusy  bool
	clusterd     bool // the worker announced capabilities (CmdCapabilities): it obeys CmdIntegrityNow
	receiveTask  string
	receiveTimer timer
	running      bool
	zipLimit     int64
	// owedBefore is how many files the worker was owed when the last sync began, if that sync
	// was cut by max_zip_size (0 otherwise).
	owedBefore int
	// format of the packages for this worker: FormatFramed once it announced CapPackageS2
	// (CmdCapabilities), Wazuh's otherwise.
	format integrity.PackageFormat
}

type integrityReceiveTimeout struct{ task string }

// integrityDone reports the end of one check (and sync, when one was needed) to the handler.
type integrityDone struct {
	conn                 *link // the connection the sync ran for
	checkStart, checkEnd time.Time
	synced               bool
	syncStart, syncEnd   time.Time
	diff                 integrity.Diff
	zipLimit             int64
	ruleset              bool
	// partial: max_zip_size left files out of the package, which the worker's next check asks
	// for; owed is how many files the worker lacked or had different when this sync began.
	partial bool
	owed    int
	err     error
}

func (mi *masterIntegrity) init(s Settings) {
	mi.free = true
	mi.zipLimit = s.MaxZipSize
}

// updated takes the master's new metadata; a new local-integrity cycle lets every worker ask
// for permission once more.
func (h *MasterHandler) integrityUpdated(c actor.Context, m *IntegrityUpdated) {
	h.integ.current = m.Meta
	h.integ.askedInCycle, h.integ.refusedBusy = false, false
}

func (h *MasterHandler) integrityRequest(c actor.Context, f messages.Frame) {
	mi := &h.integ
	log := h.kit.Logger("Worker "+h.conn.info.Name, "Integrity check")
	switch f.Command {
	case messages.CmdSynIWMP:
		now := h.kit.Now()
		if !mi.free && now.Sub(mi.lockedAt) > h.settings.MaxLockedIntegrityTime {
			log.Warnf("Automatically releasing Integrity check permissions flag (b'syn_i_w_m_p') after being locked out for more than %gs.",
				h.settings.MaxLockedIntegrityTime.Seconds())
			h.releaseIntegrity(c)
		}
		granted := false
		if !mi.askedInCycle && mi.current != nil {
			mi.askedInCycle = true
			granted = mi.free
			mi.refusedBusy = !granted
		}
		h.sess.respond(f.Counter, messages.CmdOK, messages.PermissionReply(granted))
	case messages.CmdSynIWM:
		mi.free, mi.lockedAt = false, h.kit.Now()
		mi.receiveTask = newTaskID()
		mi.receiveTimer.after(h.kit, h.settings.TimeoutReceivingFile, c.Self(), &integrityReceiveTimeout{task: mi.receiveTask})
		h.publishStatus(c)
		h.sess.respond(f.Counter, messages.CmdOK, []byte(mi.receiveTask))
	case messages.CmdSynIWME:
		tf, err := messages.ParseTaskFile(f.Payload)
		var rel string
		if err == nil {
			rel, err = packagePath(h.settings.Home, h.conn.info.Name, tf.Path)
		}
		if err != nil || tf.TaskID != mi.receiveTask || mi.running {
			h.sess.respondError(f.Counter, messages.ErrUnknownTask.With(tf.TaskID))
			return
		}
		mi.receiveTimer.stop()
		mi.receiveTask = ""
		h.sess.respond(f.Counter, messages.CmdOK, []byte("File correctly received"))
		h.startIntegrity(c, rel)
	case messages.CmdSynIWMR:
		log.Errorf("Error received from the worker during integrity synchronisation: %s", taskErrorText(f.Payload))
		mi.receiveTimer.stop()
		mi.receiveTask = ""
		if !mi.running {
			h.releaseIntegrity(c)
		}
		h.sess.respond(f.Counter, messages.CmdOK, []byte("Error received"))
	}
}

func (h *MasterHandler) releaseIntegrity(c actor.Context) {
	mi := &h.integ
	mi.free = true
	if mi.refusedBusy && mi.clusterd {
		// Wazuh counts a refused ask as the cycle's; a Wazuh worker keeps that rule and its
		// timer. A clusterd worker was refused the check of files that changed while the lock
		// was held: it gets that check now.
		mi.refusedBusy, mi.askedInCycle = false, false
		c.Send(c.Self(), &pushIntegrityCheck{})
	}
	h.publishStatus(c)
}

func (h *MasterHandler) integrityReceiveTimedOut(c actor.Context, m *integrityReceiveTimeout) {
	if h.integ.receiveTask != m.task {
		return
	}
	h.kit.Logger("Worker "+h.conn.info.Name, "Integrity check").Error(messages.ErrFileReceiveTimeout.Error())
	h.integ.receiveTask = ""
	h.releaseIntegrity(c)
}

// startIntegrity compares the worker's metadata with the master's and, when they differ,
// sends the master's files, in a goroutine that reports back with integrityDone.
func (h *MasterHandler) startIntegrity(c actor.Context, rel string) {
	mi := &h.integ
	mi.running = true
	job := masterIntegrityJob{
		home: h.settings.Home, worker: h.conn.info.Name, pkg: rel, master: mi.current,
		zipLimit: mi.zipLimit, format: mi.format, settings: h.settings, req: newConnRequester(h.kit, c.Self(), h.conn.link),
		cancelled: h.sess.cancelled, now: h.kit.Now,
		checkLog: h.kit.Logger("Worker "+h.conn.info.Name, "Integrity check"),
		syncLog:  h.kit.Logger("Worker "+h.conn.info.Name, "Integrity sync"),
	}
	conn := h.conn.link
	h.work.Run(c, 0, func(ctx context.Context) any {
		done := job.run(ctx)
		done.conn = conn
		return done
	})
}

func (h *MasterHandler) integrityFinished(c actor.Context, m *integrityDone) {
	if m.conn != h.conn.link {
		// A sync of this worker's previous connection, ended after this handler took over
		// the name: it holds none of this handler's state.
		return
	}
	mi := &h.integ
	mi.running = false
	mi.zipLimit = m.zipLimit
	st := &h.status
	if !m.checkEnd.IsZero() {
		st.LastCheckIntegrity.DateStartMaster = messages.FormatDate(m.checkStart)
		st.LastCheckIntegrity.DateEndMaster = messages.FormatDate(m.checkEnd)
	}
	if m.synced {
		st.LastSyncIntegrity.DateStartMaster = messages.FormatDate(m.syncStart)
		st.LastSyncIntegrity.DateEndMaster = messages.FormatDate(m.syncEnd)
		st.LastSyncIntegrity.TotalFiles = map[string]int{
			"missing": len(m.diff.Missing), "shared": len(m.diff.Shared), "extra": len(m.diff.Extra)}
		if m.ruleset {
			st.RulesetReloadPending = true
		}
	}
	if m.synced && m.partial && partialRoundProgressed(mi.owedBefore, m.owed) {
		// The rest of the files are owed now, not after the next local-integrity cycle (8 s by
		// default, which a tree over max_zip_size paid between every two rounds): the worker
		// may ask again in this cycle, and a clusterd worker is told to, so it asks as soon as it
		// has applied this package.
		mi.askedInCycle, mi.refusedBusy = false, false
		if mi.clusterd {
			c.Send(c.Self(), &pushIntegrityCheck{})
		}
	}
	mi.owedBefore = 0
	if m.synced && m.partial {
		mi.owedBefore = m.owed
	}
	h.releaseIntegrity(c)
}

// partialRoundProgressed says whether a round cut by max_zip_size may be followed at once: it is
// the first of its series, or the worker is owed fewer files than at the round before. A worker
// that applies nothing (a full disk) is owed the same files every round; its rounds then keep
// the local-integrity cycle's pace instead of resending a full package back to back.
func partialRoundProgressed(owedBefore, owed int) bool {
	return owedBefore == 0 || owed < owedBefore
}

// masterIntegrityJob is everything the integrity goroutine needs, copied out of the handler so
// that the goroutine shares nothing mutable with it.
type masterIntegrityJob struct {
	home, worker, pkg string
	master            integrity.Metadata
	zipLimit          int64
	format            integrity.PackageFormat
	settings          Settings
	req               *Requester
	cancelled         *taskSet
	now               func() time.Time
	checkLog, syncLog *logrus.Entry
}

func (j masterIntegrityJob) run(ctx context.Context) *integrityDone {
	done := &integrityDone{checkStart: j.now(), zipLimit: j.zipLimit}
	j.checkLog.Info("Starting.")
	workerMeta, err := j.readWorkerPackage()
	if err != nil {
		done.err = err
		j.checkLog.Errorf("Error receiving the worker's files: %v", err)
		return done
	}
	diff := integrity.Compare(j.master, workerMeta)
	done.checkEnd = j.now()
	if diff.Empty() {
		j.checkLog.Infof("Finished in %.3fs. Received metadata of %d files. Sync not required.",
			done.checkEnd.Sub(done.checkStart).Seconds(), len(workerMeta))
		if _, err := j.req.Request(ctx, messages.CmdSynMCOK, nil); err != nil {
			j.checkLog.Errorf("Error sending %s: %v", messages.CmdSynMCOK, err)
		}
		return done
	}
	j.checkLog.Infof("Finished in %.3fs. Received metadata of %d files. Sync required.",
		done.checkEnd.Sub(done.checkStart).Seconds(), len(workerMeta))
	done.syncStart = j.now()
	j.syncLog.Info("Starting.")
	j.syncLog.Infof("Files to create in worker: %d | Files to update in worker: %d | Files to delete in worker: %d",
		len(diff.Missing), len(diff.Shared), len(diff.Extra))
	done.owed = len(diff.Missing) + len(diff.Shared)
	sent, err := j.sync(ctx, diff, done)
	done.syncEnd = j.now()
	if err != nil {
		done.err = err
		j.syncLog.Errorf("Error synchronizing files: %v", err)
		return done
	}
	done.synced, done.diff, done.ruleset = true, sent, touchesRuleset(sent)
	j.syncLog.Infof("Finished in %.3fs.", done.syncEnd.Sub(done.syncStart).Seconds())
	return done
}

// readWorkerPackage extracts the worker's package (only files_metadata.json is expected) and
// removes it and its extraction folder afterwards.
func (j masterIntegrityJob) readWorkerPackage() (integrity.Metadata, error) {
	path := filepath.Join(j.home, j.pkg)
	dest := path + ".dir"
	defer os.RemoveAll(dest)
	defer os.Remove(path)
	files, metaJSON, err := integrity.ReadPackage(path, dest, j.settings.MaxZipSize)
	if err != nil {
		return nil, fmt.Errorf("read package: %w", err)
	}
	if err := integrity.CheckWorkerFiles(files); err != nil {
		return nil, err
	}
	return integrity.ParseMetadata(metaJSON)
}

// sync asks the worker for a receiving task, then builds the package within the current zip
// limit and sends it at once, the sender reading what the builder writes: the package is never
// written to disk here, and compressing overlaps encrypting and sending. The limit adapts as
// Wazuh's does (§5.7).
func (j masterIntegrityJob) sync(ctx context.Context, diff integrity.Diff, done *integrityDone) (integrity.Diff, error) {
	resp, err := j.req.Request(ctx, messages.CmdSynMC, nil)
	if err != nil || resp.Command != messages.CmdOK {
		return integrity.Diff{}, fmt.Errorf("%s: %v %s", messages.CmdSynMC, err, messages.ClipForLog(string(resp.Payload)))
	}
	task := string(resp.Payload)
	rel := packageName(j.worker, j.now())
	interrupted := func() bool { return j.cancelled.has(task) }
	start := j.now()
	pkg := j.buildInBackground(diff, filepath.Dir(filepath.Join(j.home, rel)))
	window := 1 // a Wazuh worker gets Wazuh's transfer: one piece, then its answer
	if j.format == integrity.FormatFramed {
		window = clusterdPiecesInFlight
	}
	bytesSent, err := sendPackage(ctx, j.req, pkg.out, rel, messages.CmdSynMCE, task, window, interrupted)
	built := pkg.wait(err)
	done.zipLimit = j.adaptZipLimit(j.cancelled.has(task), bytesSent, j.now().Sub(start))
	j.cancelled.remove(task)
	if built.err != nil && err == nil {
		err = fmt.Errorf("build package: %w", built.err)
	}
	if err != nil {
		j.reportError(ctx, task, err)
		return integrity.Diff{}, err
	}
	for _, p := range built.stats.TooLarge {
		j.syncLog.Warnf("File too large to be synced: %s", filepath.Join(j.home, p))
	}
	if built.stats.Truncated {
		j.syncLog.Warn("Maximum zip size exceeded. Not all files will be compressed during this sync.")
		done.partial = true
	}
	return built.sent, nil
}

// packageBuild is a master package being built into a pipe.
type packageBuild struct {
	out    *packagePipe
	result chan builtPackage
}

type builtPackage struct {
	sent  integrity.Diff
	stats integrity.PackageStats
	err   error
}

// buildInBackground starts building the package for diff; its bytes are read from out. A
// failed build makes out's reader fail, so the package is never sent whole. spillDir holds
// big compressed files while they wait (the worker's queue folder, else the system's).
func (j masterIntegrityJob) buildInBackground(diff integrity.Diff, spillDir string) *packageBuild {
	if fi, err := os.Stat(spillDir); err != nil || !fi.IsDir() {
		spillDir = ""
	}
	b := &packageBuild{out: newPackagePipe(), result: make(chan builtPackage, 1)}
	go func() {
		sent, stats, err := integrity.BuildMasterPackageFormat(b.out, j.format, spillDir, j.home, diff,
			j.settings.CompressLevel, j.zipLimit, j.settings.MaxZipSize)
		b.out.closeWrite(err) // nil: the reader sees the end of the package
		b.result <- builtPackage{sent: sent, stats: stats, err: err}
	}()
	return b
}

// wait returns the build's outcome once the sending ended with sendErr. A send that failed
// stops the build; one that stopped early (cancel_task) lets it finish, as the whole package
// was built before it was sent, so that what it reports stays the same.
func (b *packageBuild) wait(sendErr error) builtPackage {
	if sendErr != nil {
		b.out.closeRead(sendErr)
	} else {
		_, _ = io.Copy(io.Discard, b.out)
	}
	return <-b.result
}

// adaptZipLimit shrinks the package limit after the worker gave up receiving (cancel_task) and
// grows it back after quick sends (§5.7).
func (j masterIntegrityJob) adaptZipLimit(cancelled bool, sent int64, took time.Duration) int64 {
	s, limit := j.settings, j.zipLimit
	switch {
	case cancelled:
		limit = max(s.MinZipSize, int64(float64(sent)*(1-s.ZipLimitTolerance)))
		j.syncLog.Debugf("Decreasing sync size limit to %.2f MB.", float64(limit)/(1024*1024))
	case limit < s.MaxZipSize && took.Seconds() < s.TimeoutReceivingFile.Seconds()*(1-s.ZipLimitTolerance):
		limit = min(s.MaxZipSize, int64(float64(limit)/(1-s.ZipLimitTolerance)))
		j.syncLog.Debugf("Increasing sync size limit to %.2f MB.", float64(limit)/(1024*1024))
	}
	return limit
}

// reportError tells the worker the sync failed (syn_m_c_r), so it stops waiting for the file.
func (j masterIntegrityJob) reportError(ctx context.Context, task string, err error) {
	exc := messages.EncodeException(messages.ErrReceivedErrorResponse.With(err.Error()))
	_, _ = j.req.Request(ctx, messages.CmdSynMCR, append([]byte(task+" "), exc...))
}

// touchesRuleset reports whether a diff writes or removes rules, decoders or lists.
func touchesRuleset(d integrity.Diff) bool {
	for _, m := range []integrity.Metadata{d.Missing, d.Shared, d.Extra} {
		for _, f := range m {
			for _, k := range integrity.RulesetKeys {
				if f.ClusterItemKey == k {
					return true
				}
			}
		}
	}
	return false
}

// taskErrorText is the error a "<task id> <JSON exception>" payload carries, as text.
func taskErrorText(p []byte) string {
	te, err := messages.ParseTaskError(p)
	switch {
	case err != nil:
		return messages.ClipForLog(string(p))
	case te.Err != nil:
		return messages.ClipForLog(te.Err.Error())
	default:
		return messages.ClipForLog(string(te.Raw))
	}
}

// clusterdPiecesInFlight is how many file_upd pieces of a package the master keeps in flight
// toward a clusterd worker (one that announced capabilities, §22.1): the worker writes one
// piece while the next ones cross the connection, instead of the link idling for a round trip
// and a write per 5 MiB. Four pieces bound the memory to 20 MiB per sync.
const clusterdPiecesInFlight = 4

// CmdIntegrityNow is clusterd's own request from the master to a worker: "my files changed,
// check your integrity now" instead of at the next sync_integrity tick. It is sent only to
// peers that memberlist reports as clusterd nodes, and to a worker that announced
// capabilities whose ask was refused while the lock was held (§22.2); Wazuh workers keep
// their timer.
const CmdIntegrityNow = "syn_m_i_now"

// CmdCapabilities is clusterd's own request from a worker to its master, sent once after
// hello: the payload lists what the worker can do beyond Wazuh (space-separated tokens, e.g.
// integrity.CapPackageS2), and a clusterd master answers ok with those it will use. A Wazuh
// master answers err (unknown command) and nothing changes: every node keeps Wazuh's formats
// unless both ends said otherwise (§22.1).
const CmdCapabilities = "cd_caps"

// workerCapabilities records what the worker announced and answers with what will be used.
func (h *MasterHandler) workerCapabilities(f messages.Frame) {
	h.integ.clusterd = true
	var used []string
	for tok := range strings.FieldsSeq(string(f.Payload)) {
		if tok == integrity.CapPackageS2 {
			h.integ.format = integrity.FormatFramed
			used = append(used, tok)
		}
		if tok == CapSendsyncInline {
			h.sendsyncInline = true
			used = append(used, tok)
		}
		if worker, ok := wire.ParseLinkOffer(tok); ok {
			master := wire.NewLinkNonce()
			switched, err := h.sess.link.conn.UseLinkCipher(worker, master, true)
			if err != nil {
				h.log.WithError(err).Warn("Could not use the link cipher; Fernet it stays.")
			}
			if switched {
				used = append(used, master.Offer())
			}
		}
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte(strings.Join(used, " ")))
}

package actors

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
)

// IntegritySync is the worker's integrity task (node/worker/integrity-sync, §5.6): every
// sync_integrity seconds after the previous cycle, it asks the master for permission, hashes
// its own synced files, sends their metadata, and applies the package the master sends back.
// A clusterd master can ask it to run at once (CmdIntegrityNow) when its files change.
type IntegritySync struct {
	kit      *Kit
	settings Settings
	master   *actor.PID
	checkLog *logrus.Entry
	syncLog  *logrus.Entry

	scanner  *integrity.Scanner
	previous integrity.Metadata
	// applying serialises package applications across restarts of this actor and of the
	// worker role (Kit.applying): a goroutine of a failed instance may still be writing when
	// the new instance receives the next package.
	applying *sync.Mutex
	// streams extracts the master's packages while they arrive.
	streams *packageStreams
	state   integrityState
	tick    timer
	wait    timer
	work    *offload
	cancel  context.CancelFunc // of the check running
	again   bool
	started time.Time
	// notRequired records a syn_m_c_ok that overtook the check job's own report.
	notRequired bool
}

type integrityState int

const (
	integrityIdle     integrityState = iota
	integrityAsking                  // syn_i_w_m_p sent
	integrityChecking                // hashing and sending the metadata
	integrityWaiting                 // waiting for syn_m_c_ok or syn_m_c
	integrityApplying                // receiving or applying the master's package
)

// Messages from the worker handler, which answers the master's requests itself and passes on
// what they mean.
type (
	integrityNotRequired struct{}
	integrityExpect      struct{ task string }
	integrityPackage     struct{ rel string }
	integrityMasterError struct{ text string }
	checkIntegrityNow    struct{}
	// masterLink tells the task actors that the connection to the master came up or went down.
	masterLink struct{ up bool }
)

type (
	permissionTag      struct{}
	integrityCheckSent struct {
		meta integrity.Metadata
		err  error
	}
	integrityApplied struct {
		diff   integrity.Diff
		result integrity.ApplyResult
		err    error
	}
	integrityWaitTimeout struct{}
)

// NewIntegritySync returns the producer of a worker's integrity-sync actor.
func NewIntegritySync(kit *Kit, settings Settings, master *actor.PID) actor.Producer {
	applying := &kit.applying
	return func() actor.Actor {
		tag := "Worker " + settings.NodeName
		return &IntegritySync{kit: kit, settings: settings, master: master, applying: applying,
			checkLog: kit.Logger(tag, "Integrity check"), syncLog: kit.Logger(tag, "Integrity sync")}
	}
}

// Receive implements actor.Actor.
func (s *IntegritySync) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		s.work = newOffload(s.kit)
		s.scanner = &integrity.Scanner{Home: s.settings.Home, Workers: s.settings.HashWorkers}
		s.streams = newPackageStreams(s.kit, s.settings)
		s.tick.after(s.kit, s.settings.SyncIntegrity, c.Self(), &integrityTick{})
	case *integrityTick:
		s.askPermission(c)
	case *checkIntegrityNow:
		if s.state == integrityIdle {
			s.askPermission(c)
		} else {
			s.again = true
		}
	case *Response:
		if _, ok := m.Tag.(permissionTag); ok {
			s.permission(c, m)
		}
	case *integrityCheckSent:
		s.checkSent(c, m)
	case *integrityNotRequired:
		switch s.state {
		case integrityWaiting:
			s.checkLog.Debug("Synchronization not required.")
			s.finish(c)
		case integrityChecking:
			// The master answered before the check job reported back: remember it, or the
			// cycle would wait for a package that never comes.
			s.notRequired = true
		}
	case *integrityExpect:
		s.state = integrityApplying
		s.wait.after(s.kit, s.settings.TimeoutReceivingFile, c.Self(), &integrityWaitTimeout{})
	case *followedFile:
		s.streams.start(c, s.work, m)
	case *integrityPackage:
		s.apply(c, m.rel)
	case *integrityApplied:
		s.applied(c, m)
	case *integrityMasterError:
		s.syncLog.Errorf("The master reported an error during the synchronization: %s", m.text)
		s.finish(c)
	case *integrityWaitTimeout:
		if s.state == integrityWaiting || s.state == integrityApplying {
			s.syncLog.Error(messages.ErrFileReceiveTimeout.Error())
			s.finish(c)
		}
	case *masterLink:
		if !m.up && s.state != integrityIdle {
			s.finish(c)
		}
	case *actor.Restarting, *actor.Stopping:
		s.tick.stop()
		s.wait.stop()
		s.work.stop()
		if s.streams != nil {
			s.streams.discardAll()
		}
	}
}

func (s *IntegritySync) askPermission(c actor.Context) {
	if s.state != integrityIdle {
		return
	}
	s.tick.stop()
	s.state = integrityAsking
	c.Request(s.master, &SendRequest{Command: messages.CmdSynIWMP, Tag: permissionTag{}})
}

func (s *IntegritySync) permission(c actor.Context, m *Response) {
	if s.state != integrityAsking {
		return
	}
	if m.Err != nil || string(m.Frame.Payload) != "True" {
		if m.Err == nil {
			s.checkLog.Debugf("Master didn't grant permission to start a new synchronization: b'%s'", messages.ClipForLog(string(m.Frame.Payload)))
		}
		s.finish(c)
		return
	}
	s.checkLog.Debug("Permission to synchronize granted.")
	s.checkLog.Info("Starting.")
	s.state = integrityChecking
	s.started = s.kit.Now()
	job := workerCheckJob{home: s.settings.Home, worker: s.settings.NodeName, scanner: s.scanner, prev: s.previous,
		level: s.settings.CompressLevel, req: NewRequester(s.kit, s.master), now: s.kit.Now}
	s.cancel = s.work.Run(c, 0, func(ctx context.Context) any {
		meta, err := job.run(ctx)
		return &integrityCheckSent{meta: meta, err: err}
	})
}

func (s *IntegritySync) checkSent(c actor.Context, m *integrityCheckSent) {
	s.cancel = nil
	if s.state != integrityChecking {
		return
	}
	if m.err != nil {
		s.checkLog.Errorf("Error synchronizing integrity: %v", m.err)
		s.finish(c)
		return
	}
	s.previous = m.meta
	s.checkLog.Infof("Finished in %.3fs.", s.kit.Now().Sub(s.started).Seconds())
	if s.notRequired {
		s.checkLog.Debug("Synchronization not required.")
		s.finish(c)
		return
	}
	s.state = integrityWaiting
	s.wait.after(s.kit, s.settings.TimeoutReceivingFile, c.Self(), &integrityWaitTimeout{})
}

func (s *IntegritySync) apply(c actor.Context, rel string) {
	s.wait.stop()
	s.state = integrityApplying
	s.syncLog.Info("Starting.")
	home, maxZip, lock := s.settings.Home, s.settings.MaxZipSize, s.applying
	stream := s.streams.claim(rel)
	report := applyReport{log: s.syncLog, registry: s.kit.Registry, path: c.Self().Id, now: s.kit.Now, started: s.kit.Now()}
	// Applying is not cut short by a stop: a package is applied whole (file by file, each
	// renamed into place) once it started. So the job logs its own outcome: a sync whose
	// connection closed meanwhile still says how it ended, though no actor hears of it.
	s.work.Run(c, 0, func(context.Context) any {
		lock.Lock()
		defer lock.Unlock()
		m := applyMasterPackage(home, rel, maxZip, stream)
		report.write(m)
		return m
	})
}

func (s *IntegritySync) applied(c actor.Context, m *integrityApplied) {
	if s.state != integrityApplying {
		return // applied for an instance that failed since; this one has its own cycle
	}
	// The files just written have new inodes and change times: the scanner's cache hashes
	// exactly those again, and nothing else, at the next check.
	s.finish(c)
}

// applyReport logs how the application of one master package ended.
type applyReport struct {
	log      *logrus.Entry
	registry *Registry
	path     string // the IntegritySync actor's, for its note
	now      func() time.Time
	started  time.Time
}

func (r applyReport) write(m *integrityApplied) {
	if m.err != nil {
		r.log.Errorf("Error updating the files from the master: %v", m.err)
		return
	}
	r.log.Infof("Files to create: %d | Files to update: %d | Files to delete: %d",
		len(m.diff.Missing), len(m.diff.Shared), len(m.diff.Extra))
	if res := m.result; res.Errors.Overwriting+res.Errors.Creating+res.Errors.Removing > 0 {
		r.log.Error(res.Summary())
		logApplyFailures(r.log, res.Messages)
	}
	if m.result.RulesetChanged {
		r.log.Warn("Rules, decoders or lists changed: the ruleset must be reloaded for them to take effect (reload or restart the manager).")
		r.registry.SetNote(r.path, "ruleset reload pending since "+messages.FormatDate(r.now()))
	}
	r.log.Infof("Finished in %.3fs.", r.now().Sub(r.started).Seconds())
}

// failuresLogged is how many failed files one sync names at the default level; the rest go to
// the debug level, so a package of a thousand bad entries costs a dozen lines, not a thousand.
const failuresLogged = 10

// logApplyFailures names each file the sync could not apply, with the reason. Wazuh keeps them
// at debug level, which leaves an operator with "Found errors" every cycle and no cause.
func logApplyFailures(log *logrus.Entry, msgs []string) {
	for i, msg := range msgs {
		if i < failuresLogged {
			log.Errorf("Could not apply %s", messages.ClipForLog(msg)) // "<path>: <reason>": the path is the master's
			continue
		}
		if i == failuresLogged {
			log.Errorf("%d more files could not be applied (listed at debug level).", len(msgs)-failuresLogged)
		}
		log.Debugf("Could not apply %s", messages.ClipForLog(msg))
	}
}

// finish ends the cycle and schedules the next one (at once if the master asked meanwhile).
func (s *IntegritySync) finish(c actor.Context) {
	s.wait.stop()
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.streams.discardAll() // a package received in this cycle but never announced is stale
	s.state = integrityIdle
	s.notRequired = false
	if s.again {
		s.again = false
		s.askPermission(c)
		return
	}
	s.tick.after(s.kit, s.settings.SyncIntegrity, c.Self(), &integrityTick{})
}

// workerCheckJob hashes the worker's files and sends their metadata to the master.
type workerCheckJob struct {
	home, worker string
	scanner      *integrity.Scanner
	prev         integrity.Metadata
	level        int
	req          *Requester
	now          func() time.Time
}

func (j workerCheckJob) run(ctx context.Context) (integrity.Metadata, error) {
	meta, _, err := j.scanner.Scan(ctx, j.prev)
	if err != nil {
		return nil, fmt.Errorf("calculate integrity: %w", err)
	}
	rel := packageName(j.worker, j.now())
	path := filepath.Join(j.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
		return nil, fmt.Errorf("create queue folder: %w", err)
	}
	defer os.Remove(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create package: %w", err)
	}
	err = integrity.BuildWorkerPackage(f, meta, j.level)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("build package: %w", err)
	}
	resp, err := j.req.Request(ctx, messages.CmdSynIWM, nil)
	if err != nil || resp.Command != messages.CmdOK {
		return nil, fmt.Errorf("%s: %v %s", messages.CmdSynIWM, err, messages.ClipForLog(string(resp.Payload)))
	}
	task := string(resp.Payload)
	if _, err := sendPackageFile(ctx, j.req, j.home, rel, messages.CmdSynIWME, task, func() bool { return false }); err != nil {
		exc := messages.EncodeException(messages.ErrReceivedErrorResponse.With(err.Error()))
		_, _ = j.req.Request(ctx, messages.CmdSynIWMR, append([]byte(task+" "), exc...))
		return nil, err
	}
	return meta, nil
}

// applyMasterPackage applies the master's package: the files its stream extracted while it
// arrived, or else those extracted now from the received file. The package and its extraction
// folder are removed afterwards.
func applyMasterPackage(home, rel string, maxZip int64, stream *packageStream) *integrityApplied {
	path := filepath.Join(home, rel)
	dest := path + ".dir"
	defer os.RemoveAll(dest)
	defer os.Remove(path)
	var (
		files    map[string]string
		metaJSON []byte
		err      error
	)
	if stream != nil {
		defer os.RemoveAll(stream.dest)
		files, metaJSON, err = stream.result()
	}
	if stream == nil || err != nil {
		// The received file, checked whole, is read again, unless it never reached the disk:
		// its bytes went to the stream in memory, and the stream's failure is the reason.
		if _, statErr := os.Stat(path); stream != nil && errors.Is(statErr, fs.ErrNotExist) {
			return &integrityApplied{err: fmt.Errorf("read package: %w", err)}
		}
		files, metaJSON, err = integrity.ReadPackage(path, dest, maxZip)
	}
	if err != nil {
		return &integrityApplied{err: fmt.Errorf("read package: %w", err)}
	}
	diff, err := integrity.ParseDiff(metaJSON)
	if err != nil {
		return &integrityApplied{err: fmt.Errorf("read files_metadata.json: %w", err)}
	}
	return &integrityApplied{diff: diff, result: integrity.Apply(home, diff, files)}
}

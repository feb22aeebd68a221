package ha

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/clusterd/clusterd/wire"
)

// Config is one member of the replication group.
type Config struct {
	// ID is this member's raft id (never 0); Peers maps every member's id, this one's
	// included, to its raft address.
	ID    uint64
	Peers map[uint64]string
	// Dir holds the durable log (raft.db).
	Dir string
	// Key is the cluster key: the transport seals every message with its Fernet.
	Key string
	FSM FSM
	Log *logrus.Entry
	// Tick is raft's clock (default 100 ms). A follower that hears no leader for
	// ElectionTicks ticks (default 10) starts an election; a leader sends heartbeats every
	// HeartbeatTicks (default 1).
	Tick           time.Duration
	ElectionTicks  int
	HeartbeatTicks int
	// ProposeTimeout bounds a proposal whose context has no deadline (default 10 s).
	ProposeTimeout time.Duration
	// Listener, when set, is where the member accepts its peers (else it listens on
	// Peers[ID]); Dial, when set, replaces the TCP dial (tests cut members apart with both).
	Listener net.Listener
	Dial     func(ctx context.Context, addr string) (net.Conn, error)
}

func (c *Config) check() error {
	if c.ID == 0 {
		return fmt.Errorf("%w: member id 0", ErrInvalidConfig)
	}
	if _, ok := c.Peers[c.ID]; !ok {
		return fmt.Errorf("%w: member %d is not among the peers", ErrInvalidConfig, c.ID)
	}
	if _, ok := c.Peers[0]; ok {
		return fmt.Errorf("%w: peer id 0", ErrInvalidConfig)
	}
	if c.FSM == nil || c.Log == nil || c.Dir == "" {
		return fmt.Errorf("%w: FSM, Log and Dir are required", ErrInvalidConfig)
	}
	if c.Tick <= 0 {
		c.Tick = 100 * time.Millisecond
	}
	if c.ElectionTicks <= 0 {
		c.ElectionTicks = 10
	}
	if c.HeartbeatTicks <= 0 {
		c.HeartbeatTicks = 1
	}
	if c.ElectionTicks <= c.HeartbeatTicks {
		return fmt.Errorf("%w: election ticks %d not above heartbeat ticks %d", ErrInvalidConfig, c.ElectionTicks, c.HeartbeatTicks)
	}
	if c.ProposeTimeout <= 0 {
		c.ProposeTimeout = 10 * time.Second
	}
	return nil
}

// envelope is the data of a normal entry: the command and the proposal it answers.
type envelope struct {
	ID   uint64          `json:"id"`
	Op   string          `json:"op"`
	Body json.RawMessage `json:"body,omitempty"`
}

type applyResult struct {
	value []byte
	err   error
}

// Member is one running member of the replication group.
type Member struct {
	cfg  Config
	log  *logrus.Entry
	disk *diskLog
	node raft.Node
	tr   *transport

	recvc chan *pb.Message
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup

	mu      sync.Mutex
	waiters map[uint64]chan applyResult
	view    View
	status  raft.Status // as of the last tick
	changed chan struct{}
	failure error
}

// View is what a member knows of the group's leadership.
type View struct {
	// Leader is the acting master's id: the raft leader, except that a member reports itself
	// only once it has applied every entry committed before its term. 0: none known.
	Leader uint64
	Term   uint64
	// State is raft's role of this member (StateFollower, StateCandidate, StateLeader, …).
	State raft.StateType
	// Applied is the index of the last entry applied here.
	Applied uint64
}

// Start opens the durable log and joins the group: a member with an empty log bootstraps it
// with Peers, one with a log restarts from it.
func Start(cfg Config) (*Member, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cipher, err := wire.NewCipher(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("replication cipher: %w", err)
	}
	disk, err := openDiskLog(cfg.Dir)
	if err != nil {
		return nil, err
	}
	ln := cfg.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Peers[cfg.ID]); err != nil {
			_ = disk.Close()
			return nil, fmt.Errorf("raft listener: %w", err)
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	m := &Member{cfg: cfg, log: cfg.Log, disk: disk, recvc: make(chan *pb.Message, 4096), ctx: ctx, stop: stop,
		waiters: make(map[uint64]chan applyResult), changed: make(chan struct{})}
	applied := disk.Applied()
	if ix, ok := cfg.FSM.(AppliedIndexer); ok {
		if applied, err = ix.AppliedIndex(ctx); err != nil {
			stop()
			_ = disk.Close()
			_ = ln.Close()
			return nil, fmt.Errorf("read the applied index: %w", err)
		}
		if err := disk.raiseCommit(applied); err != nil {
			stop()
			_ = disk.Close()
			_ = ln.Close()
			return nil, fmt.Errorf("%w: %w (a store of another group?)", ErrInvalidConfig, err)
		}
	}
	m.view.Applied = applied
	rc := &raft.Config{
		ID:                        cfg.ID,
		ElectionTick:              cfg.ElectionTicks,
		HeartbeatTick:             cfg.HeartbeatTicks,
		Storage:                   disk,
		Applied:                   applied,
		MaxSizePerMsg:             1 << 20,
		MaxInflightMsgs:           256,
		MaxUncommittedEntriesSize: 64 << 20,
		CheckQuorum:               true,
		PreVote:                   true,
		DisableProposalForwarding: true,
		Logger:                    raftLogger{cfg.Log},
	}
	if disk.IsEmpty() {
		ids := make([]uint64, 0, len(cfg.Peers))
		for id := range cfg.Peers {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		peers := make([]raft.Peer, len(ids))
		for i, id := range ids {
			peers[i] = raft.Peer{ID: id}
		}
		m.node = raft.StartNode(rc, peers)
	} else {
		m.node = raft.RestartNode(rc)
	}
	m.tr = newTransport(cfg.ID, cfg.Peers, ln, cipher, cfg.Log, cfg.Dial)
	m.tr.recv = m.enqueue
	m.tr.unreachable = m.node.ReportUnreachable
	m.tr.start()
	m.wg.Add(2)
	go m.stepLoop()
	go m.run()
	return m, nil
}

// enqueue hands an inbound message to the step loop, dropping it when the loop is behind
// (raft sends again).
func (m *Member) enqueue(msg *pb.Message) {
	select {
	case m.recvc <- msg:
	default:
	}
}

func (m *Member) stepLoop() {
	defer m.wg.Done()
	for {
		select {
		case <-m.ctx.Done():
			return
		case msg := <-m.recvc:
			if err := m.node.Step(m.ctx, msg); err != nil && m.ctx.Err() == nil {
				m.log.WithError(err).Debug("Raft message not taken")
			}
		}
	}
}

// run drives raft: ticks, and each Ready: persist, send, apply, advance.
func (m *Member) run() {
	defer m.wg.Done()
	ticker := time.NewTicker(m.cfg.Tick)
	defer ticker.Stop()
	var (
		soft        raft.SoftState
		leaderSince uint64 // last index when this member became leader
	)
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-ticker.C:
			m.node.Tick()
			// Kept for readers that must not wait on raft's goroutine (an actor).
			st := m.node.Status()
			m.mu.Lock()
			m.status = st
			m.mu.Unlock()
		case rd := <-m.node.Ready():
			if err := m.disk.Save(rd.HardState, rd.Entries, rd.MustSync); err != nil {
				m.fail(err)
				return
			}
			if rd.SoftState != nil {
				if rd.RaftState == raft.StateLeader && soft.RaftState != raft.StateLeader {
					leaderSince, _ = m.disk.LastIndex()
				}
				soft = *rd.SoftState
			}
			m.tr.send(rd.Messages)
			if err := m.apply(rd.CommittedEntries); err != nil {
				m.fail(err)
				return
			}
			m.node.Advance()
			m.publish(soft, leaderSince, rd.HardState)
		}
	}
}

// apply applies committed entries in order, answers their proposals and saves the applied
// index.
func (m *Member) apply(ents []*pb.Entry) error {
	if len(ents) == 0 {
		return nil
	}
	var conf *pb.ConfState
	for _, e := range ents {
		switch e.GetType() {
		case pb.EntryConfChange:
			cc := &pb.ConfChange{}
			if err := proto.Unmarshal(e.GetData(), cc); err != nil {
				return fmt.Errorf("configuration change at %d: %w", e.GetIndex(), err)
			}
			conf = m.node.ApplyConfChange(cc)
		case pb.EntryConfChangeV2:
			cc := &pb.ConfChangeV2{}
			if err := proto.Unmarshal(e.GetData(), cc); err != nil {
				return fmt.Errorf("configuration change at %d: %w", e.GetIndex(), err)
			}
			conf = m.node.ApplyConfChange(cc)
		case pb.EntryNormal:
			if len(e.GetData()) == 0 {
				continue // a new leader's empty entry
			}
			m.applyCommand(e)
			// Saved after each command, so that a crash applies again at most the last one,
			// which the FSM makes harmless; two commands could undo each other otherwise
			// (an agent added, then removed, then added again under a new id).
			if err := m.saveApplied(e.GetIndex(), conf); err != nil {
				return err
			}
			conf = nil
		}
	}
	return m.saveApplied(ents[len(ents)-1].GetIndex(), conf)
}

func (m *Member) saveApplied(index uint64, conf *pb.ConfState) error {
	ix, own := m.cfg.FSM.(AppliedIndexer)
	if conf != nil || !own {
		if err := m.disk.SaveApplied(index, conf); err != nil {
			return err
		}
	}
	if own {
		if err := ix.SetAppliedIndex(m.ctx, index); err != nil {
			return fmt.Errorf("save the applied index: %w", err)
		}
	}
	m.mu.Lock()
	m.view.Applied = index
	m.mu.Unlock()
	return nil
}

func (m *Member) applyCommand(e *pb.Entry) {
	var env envelope
	var res applyResult
	if err := json.Unmarshal(e.GetData(), &env); err != nil {
		// Written by a member of another version, or damaged: nothing to apply, and every
		// member skips it alike.
		m.log.WithError(err).Errorf("Replicated entry %d does not decode; skipped", e.GetIndex())
		return
	}
	res.value, res.err = m.cfg.FSM.Apply(m.ctx, Command{Index: e.GetIndex(), Op: env.Op, Body: env.Body})
	if res.err != nil {
		m.log.WithError(res.err).Debugf("Replicated %s at %d refused", env.Op, e.GetIndex())
	}
	m.mu.Lock()
	w, ok := m.waiters[env.ID]
	delete(m.waiters, env.ID)
	m.mu.Unlock()
	if ok {
		w <- res
	}
}

// publish updates the view and wakes its watchers when the acting leader changed.
func (m *Member) publish(soft raft.SoftState, leaderSince uint64, hs *pb.HardState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.view
	v.State = soft.RaftState
	v.Leader = soft.Lead
	if soft.Lead == m.cfg.ID && (soft.RaftState != raft.StateLeader || v.Applied < leaderSince) {
		v.Leader = 0 // not caught up yet: not acting
	}
	if hs != nil {
		v.Term = hs.GetTerm()
	}
	if v.Leader != m.view.Leader && v.Leader != 0 {
		m.log.Debugf("Acting master is raft member %d (term %d)", v.Leader, v.Term)
	}
	if v.Leader != m.view.Leader || v.State != m.view.State {
		close(m.changed)
		m.changed = make(chan struct{})
	}
	m.view = v
}

// fail stops the member after a storage error: continuing would break raft's promises.
func (m *Member) fail(err error) {
	m.log.WithError(err).Error("Replication stopped")
	m.mu.Lock()
	m.failure = err
	m.view.Leader, m.view.State = 0, raft.StateFollower
	close(m.changed)
	m.changed = make(chan struct{})
	m.mu.Unlock()
	m.stop()
}

// View returns what the member knows of the leadership now, and a channel closed at the next
// change of the acting leader or of this member's state.
func (m *Member) View() (View, <-chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.view, m.changed
}

// ID is this member's id.
func (m *Member) ID() uint64 { return m.cfg.ID }

// IsActing reports whether this member is the acting master.
func (m *Member) IsActing() bool {
	v, _ := m.View()
	return v.Leader == m.cfg.ID
}

// Err is the storage error that stopped the member, if any.
func (m *Member) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failure
}

// Status is raft's own account (term, commit, each follower's match index on the leader), as
// of the last tick: reading it never waits.
func (m *Member) Status() raft.Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// LastIndex is the index of the last entry in this member's log.
func (m *Member) LastIndex() uint64 {
	m.mu.Lock()
	disk := m.disk
	m.mu.Unlock()
	if disk == nil {
		return 0
	}
	last, _ := disk.LastIndex()
	return last
}

// Propose commits op with body (JSON-encoded) through the replicated log and returns the FSM's
// answer once the entry is applied on this member. Only the acting master proposes; others
// get ErrNotLeader. A context that ends first leaves the outcome unknown: the entry may still
// be committed.
func (m *Member) Propose(ctx context.Context, op string, body any) ([]byte, error) {
	if !m.IsActing() {
		return nil, ErrNotLeader
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", op, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.cfg.ProposeTimeout)
		defer cancel()
	}
	id := rand.Uint64()
	data, err := json.Marshal(envelope{ID: id, Op: op, Body: raw})
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", op, err)
	}
	w := make(chan applyResult, 1)
	m.mu.Lock()
	m.waiters[id] = w
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.waiters, id)
		m.mu.Unlock()
	}()
	if err := m.node.Propose(ctx, data); err != nil {
		if errors.Is(err, raft.ErrProposalDropped) {
			return nil, fmt.Errorf("%s: %w", op, ErrNotLeader)
		}
		return nil, fmt.Errorf("propose %s: %w", op, err)
	}
	select {
	case r := <-w:
		return r.value, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s not known to be committed: %w", op, ctx.Err())
	case <-m.ctx.Done():
		return nil, fmt.Errorf("%s: %w", op, ErrStopped)
	}
}

// Stop leaves the group: the loops end, connections close, the log file closes. It is safe to
// call more than once.
func (m *Member) Stop() error {
	m.stop()
	m.wg.Wait()
	m.node.Stop()
	m.tr.close()
	m.mu.Lock()
	done := m.disk == nil
	disk := m.disk
	m.disk = nil
	m.mu.Unlock()
	if done {
		return nil
	}
	return disk.Close()
}

package remoted

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"sync"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// pushWorkers is remoted.sender_pool: how many merged.mg pushes run at once.
// Pushes run apart from the status worker, so a slow one (UDP pauses a second
// every udpPushBurst chunks) holds up no agent's status.
const pushWorkers = 8

// pushJob is one merged.mg push, bound to the reply channel the agent used
// when it was decided: if the agent moves to another connection, the rest of
// the file is not sent on the new one.
type pushJob struct {
	a  *agent
	k  *agentKey
	d  sharedDecision
	to replyTarget
}

// pushQueue holds the pushes waiting for a worker. An agent has at most one
// push queued or under way (agent.pushing), so it never holds more jobs than
// there are agents.
type pushQueue struct {
	mu   sync.Mutex
	jobs []pushJob
	wake chan struct{}
}

func newPushQueue() *pushQueue { return &pushQueue{wake: make(chan struct{}, 1)} }

func (q *pushQueue) add(j pushJob) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	q.signal()
}

func (q *pushQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take returns the oldest job; a worker that takes one while others wait
// wakes another worker for them.
func (q *pushQueue) take() (pushJob, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 {
		return pushJob{}, false
	}
	j := q.jobs[0]
	q.jobs[0] = pushJob{}
	q.jobs = q.jobs[1:]
	if len(q.jobs) == 0 {
		q.jobs = nil
	} else {
		q.signal()
	}
	return j, true
}

// pushShared queues a merged.mg push for an agent whose keepalive reported a
// stale sum, as Wazuh's remoted does for every such keepalive; a push already
// queued or under way is left to finish, not restarted nor doubled.
func (s *Server) pushShared(a *agent, k *agentKey, d sharedDecision) {
	if s.stopping() || !a.pushing.CompareAndSwap(false, true) {
		return
	}
	s.pushes.add(pushJob{a: a, k: k, d: d, to: a.target()})
}

// pushWorker runs queued pushes until Stop.
func (s *Server) pushWorker() {
	defer s.workerWG.Done()
	for {
		if j, ok := s.pushes.take(); ok {
			s.push(j)
			continue
		}
		select {
		case <-s.pushes.wake:
		case <-s.quit:
			return
		}
	}
}

// push sends merged.mg: "#!-up file <md5> merged.mg\n", ≤ 900-byte chunks,
// "#!-close file ". The agent may be pushed again once it ends.
func (s *Server) push(j pushJob) {
	a, k := j.a, j.k
	done := false
	defer func() {
		a.pushing.Store(false)
		if done {
			s.totals.pushes.Add(1) // after the flag: a caller that saw the count may push again
		}
	}()
	content, err := os.ReadFile(j.d.path)
	if err != nil {
		s.limited.warn("shared", "agent %s: %v", k.idStr, err)
		return
	}
	// The file may have changed since it was hashed: announce what is sent.
	sum := md5.Sum(content)
	sumHex := hex.EncodeToString(sum[:])
	udp := j.to.conn == nil
	for i, m := range agentproto.PushMessages(sumHex, content) {
		if udp && i > 0 && i%udpPushBurst == 0 {
			select {
			case <-time.After(udpPushPause):
			case <-s.quit:
				return
			}
		}
		if a.target().channel() != j.to.channel() {
			s.log.Debugf("agent %s (%s): merged.mg push dropped: the agent moved to another connection", k.idStr, k.name)
			return
		}
		if !s.sendTo(k, j.to, m) {
			s.log.Warnf("agent %s (%s): merged.mg push interrupted", k.idStr, k.name)
			return
		}
	}
	done = true
	s.log.Debugf("agent %s (%s): pushed merged.mg %s", k.idStr, k.name, sumHex)
}

package actors

import (
	"context"
	"sync"

	"github.com/clusterd/clusterd/messages"
)

// maxGroupedAgentInfo is how many workers' agent-info documents one transaction takes at most.
const maxGroupedAgentInfo = 32

// agentInfoGroup applies the workers' agent-info documents on the master one transaction at a
// time, and puts the documents that arrive while one is applied together in the next.
//
// The workers send their documents every sync period at about the same moment (they started
// with the cluster), and one worker's agents are spread over the whole agent table: ids are
// given at enrollment, whichever worker an agent then reports to. So every worker's document
// rewrote pages all over the table in a transaction of its own, and the same page was written to
// the journal once per worker: with 25 workers of 2,000 agents, 25 times what one transaction
// writing all of them writes. The documents wait in memory either way (held by StringBudget).
type agentInfoGroup struct {
	mu      sync.Mutex
	queue   []*agentInfoJob // waiting, in arrival order
	leading bool            // a goroutine is applying, or about to
}

// agentInfoJob is one worker's document in the group.
type agentInfoJob struct {
	doc  *messages.AgentInfoDocument
	done *agentInfoApplied

	lead     chan struct{} // closed when this job's goroutine is to apply the queue
	finished chan struct{} // closed once done holds the outcome
	state    jobState      // under the group's mu
}

type jobState int

const (
	jobWaiting jobState = iota
	jobLeading
	jobTaken // in a transaction under way
	jobFinished
)

func newAgentInfoGroup() *agentInfoGroup { return &agentInfoGroup{} }

// apply writes doc into the store, alone or with the documents of other workers that wait at the
// same time, and fills done with its outcome. It returns when the document was applied, failed,
// or ctx ended while it was still waiting.
func (g *agentInfoGroup) apply(ctx context.Context, store AgentInfoStore, doc *messages.AgentInfoDocument, done *agentInfoApplied) {
	job := &agentInfoJob{doc: doc, done: done, lead: make(chan struct{}), finished: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, job)
	if !g.leading {
		g.leading = true
		g.promote(job)
	}
	g.mu.Unlock()

	select {
	case <-job.lead:
	case <-job.finished:
		return
	case <-ctx.Done():
		if g.giveUp(job) {
			done.result.ErrorMessages = append(done.result.ErrorMessages,
				"the agent-info of other workers was being applied until the timeout: "+ctx.Err().Error())
			return
		}
		// Taken into a transaction, or made the leader, just now.
		select {
		case <-job.lead:
		case <-job.finished:
			return
		}
	}
	g.lead(ctx, store)
}

// promote makes job the one that applies the queue (under mu).
func (g *agentInfoGroup) promote(job *agentInfoJob) {
	job.state = jobLeading
	close(job.lead)
}

// giveUp takes a job whose caller stopped waiting out of the queue, and hands the lead on if
// it had just been given it; false if the job is already in a transaction.
func (g *agentInfoGroup) giveUp(job *agentInfoJob) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if job.state != jobWaiting && job.state != jobLeading {
		return false
	}
	for i, j := range g.queue {
		if j == job {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			break
		}
	}
	if job.state == jobLeading {
		if len(g.queue) > 0 {
			g.promote(g.queue[0])
		} else {
			g.leading = false
		}
	}
	job.state = jobFinished
	return true
}

// lead applies the documents at the head of the queue (the leader's own first among them), then
// hands the queue on to the next waiting job's goroutine, so that no goroutine applies the
// documents of others longer than one transaction.
func (g *agentInfoGroup) lead(ctx context.Context, store AgentInfoStore) {
	g.mu.Lock()
	n := min(len(g.queue), maxGroupedAgentInfo)
	batch := append([]*agentInfoJob(nil), g.queue[:n]...)
	g.queue = append(g.queue[:0], g.queue[n:]...)
	for _, j := range batch {
		j.state = jobTaken
	}
	g.mu.Unlock()

	applyAgentInfoJobs(ctx, store, batch)

	g.mu.Lock()
	defer g.mu.Unlock()
	for _, j := range batch {
		j.state = jobFinished
		close(j.finished)
	}
	if len(g.queue) > 0 {
		g.promote(g.queue[0])
		return
	}
	g.leading = false
}

// applyAgentInfoJobs writes the documents in one transaction; if that fails and there were
// several, each again alone, so that one document the store refuses costs the others nothing.
func applyAgentInfoJobs(ctx context.Context, store AgentInfoStore, jobs []*agentInfoJob) {
	if len(jobs) > 1 && applyAgentInfoTogether(ctx, store, jobs) == nil {
		return
	}
	for _, j := range jobs {
		applyAgentInfoDocument(ctx, store, j.doc, j.done)
	}
}

func applyAgentInfoTogether(ctx context.Context, store AgentInfoStore, jobs []*agentInfoJob) error {
	names := make([]agentInfoNames, len(jobs))
	_, err := store.ApplyAgentInfo(ctx, func(w messages.AgentInfoVisitor) error {
		for i, j := range jobs {
			names[i] = agentInfoNames{w: w, done: j.done}
			j.done.badNames, j.done.firstBadName = 0, ""
			var err error
			if j.done.oversized, err = j.doc.Walk(&names[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, j := range jobs {
		j.done.result.UpdatedChunks = j.doc.Count()
	}
	return nil
}

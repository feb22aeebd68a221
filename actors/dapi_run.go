package actors

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/wire"
)

// errNodeGone says that a target of a distributed request was not connected when its share
// was sent: the merge lists it as an unknown node.
var errNodeGone = errors.New("the node is not connected")

// serve runs one request on its own goroutine and sends its answer: the flow of messages/dapi
// (decode → route → execute or forward → merge → encode), then the long string and dapi_res,
// or dapi_err.
func (q *DAPIQueue) serve(ctx context.Context, job *dapiJob) {
	result, text := q.resolve(ctx, job)
	if ctx.Err() != nil {
		abandonDapi(q.kit, job.origin, ErrShuttingDown)
		return
	}
	q.answer(ctx, job.origin, result, text)
}

// resolve returns the request's encoded result, or the dapi_err text it is refused with.
func (q *DAPIQueue) resolve(ctx context.Context, job *dapiJob) (result []byte, refusal string) {
	req, err := dapi.DecodeRequest(job.body)
	if err != nil {
		q.log.Errorf("Error in distributed API: %s", messages.ClipForLog(err.Error()))
		return nil, err.Error()
	}
	q.log.Infof("Receiving request: %s from %s", req.F.Name(), job.origin.from())
	res, err := q.run(ctx, req)
	if err != nil {
		if req.Debug {
			// DistributedAPI(debug=True) raises instead of answering with the exception.
			return nil, messages.ToWazuhError(err).Error()
		}
		q.log.Debugf("Distributed API request %s ended with: %v", req.F.Name(), err)
		res = req.Fail(err, q.settings.NodeName)
	}
	return dapi.EncodeResult(res), ""
}

// run is distribute_function: the request runs here, goes to the master, or is distributed
// to the nodes that can answer it and their answers merged. The error is the exception the
// request ends with (Request.Fail makes it the answer).
func (q *DAPIQueue) run(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	cluster, err := q.cluster(ctx, req)
	if err != nil {
		return nil, err
	}
	plan, err := dapi.Route(req, cluster, q.agents())
	if err != nil {
		return nil, err
	}
	switch plan.Action {
	case dapi.RunHere:
		return q.execute(ctx, plan.Request)
	case dapi.Distribute:
		return q.distribute(ctx, plan)
	}
	// A worker runs what its master forwards (distributed_master, from_cluster); anything
	// else belongs to the master, which never sends it.
	return nil, messages.ErrDistributedAPI.With(fmt.Sprintf("a %s request forwarded to worker %s", req.Type, q.settings.NodeName))
}

// agents is where routing reads which node an agent reports to: Services.DAPIAgents, else the
// executor itself when it can say (an executor reading the same agent store).
func (q *DAPIQueue) agents() dapi.AgentLocator {
	if l := q.settings.Services.DAPIAgents; l != nil {
		return l
	}
	if l, ok := q.settings.Services.DAPI.(dapi.AgentLocator); ok {
		return l
	}
	return nil
}

// cluster is what routing knows of the cluster: on the master, itself and, for a request it
// distributes, the workers connected now, in get_nodes order (only distributing reads them).
func (q *DAPIQueue) cluster(ctx context.Context, req *dapi.Request) (dapi.Cluster, error) {
	c := dapi.Cluster{Self: q.settings.NodeName, Master: q.peers != nil}
	if !c.Master || req.Type != dapi.DistributedMaster || req.FromCluster {
		return c, nil
	}
	res, err := q.kit.System.Root.RequestFuture(q.peers, &NodesQuery{}, q.settings.RequestTimeout).Result()
	if err != nil {
		return c, messages.ErrDistributedAPI.With("the list of connected nodes: " + err.Error())
	}
	snap, ok := res.(*NodesSnapshot)
	if !ok {
		return c, messages.ErrDistributedAPI.With(fmt.Sprintf("the list of connected nodes: %T", res))
	}
	for _, n := range snap.Nodes {
		c.Connected = append(c.Connected, n.Name)
	}
	return c, ctx.Err()
}

// execute runs req with the node's executor within the request's timeout: api_timeout
// seconds (never below 10), none with wait_for_complete; 3021 when it runs out (DAPI §2.3).
// A node without an executor answers every request with the exception naming the function.
func (q *DAPIQueue) execute(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	exec := q.settings.Services.DAPI
	if exec == nil {
		return nil, dapi.NotExecuted(req.F)
	}
	if !req.WaitForComplete {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(max(req.APITimeout, dapi.DefaultAPITimeout))*time.Second)
		defer cancel()
	}
	timedOut := func() bool { return errors.Is(ctx.Err(), context.DeadlineExceeded) }
	if err := q.executing.enter(ctx); err != nil {
		if timedOut() {
			return nil, messages.ErrAPITimeout.New()
		}
		return nil, err
	}
	defer q.executing.leave()
	res, err := exec.Execute(ctx, req)
	switch {
	case err != nil && timedOut():
		return nil, messages.ErrAPITimeout.New()
	case err != nil:
		return nil, err
	case res == nil:
		return nil, fmt.Errorf("%s returned no result", req.F)
	}
	return res, nil
}

// distribute obtains every target's answer at once — this node's share from the executor,
// the others' through their connections — and merges them (DAPI §3.4, §3.5). A forward that
// fails otherwise than by its node being gone ends the whole request with that error, as in
// Wazuh.
func (q *DAPIQueue) distribute(ctx context.Context, plan *dapi.Plan) (dapi.Result, error) {
	answers := make([]dapi.Result, len(plan.Targets))
	failures := make([]error, len(plan.Targets))
	var wg sync.WaitGroup
	for i, t := range plan.Targets {
		wg.Go(func() {
			switch {
			case t.Local:
				res, err := q.execute(ctx, t.Request)
				if err != nil {
					res = t.Request.Fail(err, q.settings.NodeName)
				}
				answers[i] = res
			case !t.Known:
				answers[i] = plan.UnknownNode(t.Node)
			default:
				res, err := q.forward(ctx, t.Node, t.Request.Encode())
				switch {
				case errors.Is(err, errNodeGone):
					answers[i] = plan.UnknownNode(t.Node)
				case err != nil:
					failures[i] = err
				default:
					answers[i] = res
				}
			}
		})
	}
	wg.Wait()
	for _, err := range failures {
		if err != nil {
			return nil, err
		}
	}
	return plan.Finish(answers)
}

// forward sends one node its share as cluster dapi "<uuid> <json>" and waits for its answer:
// the handler of that worker's connection ends the wait with the answer, with 3021 after
// timeout_dapi_request, or at once when the connection ends. A worker's dapi_err ends it with
// that error (DAPI §7 Q5).
func (q *DAPIQueue) forward(ctx context.Context, node string, body []byte) (dapi.Result, error) {
	reply := make(chan *DapiAnswer, 1)
	timeout := q.settings.DAPIRequestTimeout
	q.kit.System.Root.Send(q.peers, &ForwardDapi{Node: node, ID: newTaskID(), Body: body, Timeout: timeout, Reply: reply})
	// The handler's own deadline ends the wait; this one only guards against a handler that
	// stopped between Peers' look-up and the message.
	backstop := time.NewTimer(timeout + q.settings.RequestTimeout)
	defer backstop.Stop()
	select {
	case a := <-reply:
		switch {
		case a.Refused:
			return nil, errNodeGone
		case a.Err != nil:
			return nil, a.Err
		case a.Failed:
			return nil, messages.NewClusterError(messages.ErrReceivedErrorResponse.Code,
				fmt.Sprintf("%s: %s", node, messages.ClipForLog(a.Text)))
		}
		return dapi.Raw{JSON: a.Data}, nil
	case <-backstop.C:
		return nil, messages.NewClusterError(messages.ErrAPITimeout.Code, nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// answer sends the result to the asker as a long string and names it with dapi_res; when
// there is no result (a refused request) or it cannot be sent, dapi_err carries the text.
func (q *DAPIQueue) answer(ctx context.Context, o dapiOrigin, result []byte, refusal string) {
	// Every request is bounded by timeout_cluster_request on the connection; this bounds the
	// whole answer, should the asker's actor be gone (a request to a stopped actor is never
	// answered).
	ctx, cancel := context.WithTimeout(ctx, q.settings.RequestTimeout*time.Duration(3+len(result)/wire.RequestChunk))
	defer cancel()
	r := newConnRequester(q.kit, o.handler, o.conn)
	if refusal == "" {
		err := sendLongString(ctx, q.kit, r, result, func(id string) error {
			resp, err := r.Request(ctx, messages.CmdDapiRes, o.named(id))
			if err == nil && resp.Command == messages.CmdErr {
				q.log.Errorf("The answer to %s was refused: %s", o.from(), messages.ClipForLog(string(resp.Payload)))
			}
			return err
		})
		if err == nil {
			return
		}
		if stopping(err) {
			abandonDapi(q.kit, o, ErrShuttingDown)
			return
		}
		q.log.Errorf("Error sending the answer to %s: %v", o.from(), err)
		refusal = messages.ToWazuhError(err).Error()
	}
	if _, err := r.Request(ctx, messages.CmdDapiErr, o.named(refusal)); err != nil {
		q.log.Debugf("Could not send dapi_err to %s: %v", o.from(), err)
	}
}

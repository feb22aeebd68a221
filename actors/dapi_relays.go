package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// ForwardDapi asks for a DAPI request to be sent to a peer as cluster dapi "<ID> <Body>" and for
// that peer's answer (its long string named by dapi_res, or its dapi_err) to be delivered
// (DAPI §3.1). On the master it goes to Peers, which hands it to the named worker's handler;
// on a worker it goes to the worker's handler, which sends it to the master. The asker gets one
// *DapiAnswer whatever happens: the answer, a refusal (Refused: the node is not connected, so
// nothing was sent), or the error that ended the wait (3021 after Timeout, the connection lost).
// An actor asking (ReplyTo) also gets *DapiForwarded as soon as the request is on its way.
type ForwardDapi struct {
	Node    string        // master: the worker to send to; a worker sends to its master
	ID      string        // the request id the peer answers with: a uuid, or a local client's name
	Body    []byte        // the DAPI request JSON
	Local   bool          // ID names a local client of this node (dapi_fwd, a worker's relay)
	Timeout time.Duration // how long to wait for the answer (timeout_dapi_request)
	Reply   chan<- *DapiAnswer
	ReplyTo *actor.PID
}

// DapiForwarded tells an actor that asked ForwardDapi that the request went out.
type DapiForwarded struct{ ID string }

// DapiAnswer ends a ForwardDapi with the peer's answer — Data, the result's JSON (the long
// string the peer sent), or Text, its dapi_err (Failed) — or with Err, the reason there is
// none.
type DapiAnswer struct {
	ID      string
	Data    []byte
	Text    string
	Failed  bool // the peer answered dapi_err with Text
	Err     error
	Refused bool // nothing was sent: Err says why (3022 unknown node, 3023 no master)
}

// CancelDapiForward tells whoever holds a forward (Peers passes it to the named worker's
// handler) that its asker is gone: the entry goes, and the peer's late answer is refused.
type CancelDapiForward struct {
	Node string
	ID   string
}

// sweepDapiRelays makes a handler expire the forwards whose answer is overdue.
type sweepDapiRelays struct{}

// dapiRelayTag marks a handler's own dapi requests, whose immediate answer it reads.
type dapiRelayTag struct{ id string }

// maxDapiRelays bounds the DAPI requests one connection may have waiting for the peer's
// answer. The master's queue runs at most maxDapiRunning requests, each with one forward per
// node; the rest are relays of local clients (dapi_fwd, a worker's API), a handful at a time.
const maxDapiRelays = 1024

// dapiRelays is a handler's table of the DAPI requests it sent its peer and whose answer it
// waits for, by request id: the master's handler of a worker (forwards for the master's queue
// and for dapi_fwd), and the worker's handler of its master (its local clients' requests). It
// belongs to the handler and lives as long as its connection: when the connection ends, every
// request in it ends at once with an error, never by its timeout.
type dapiRelays struct {
	entries map[string]*dapiRelay
	sweeper timer
}

type dapiRelay struct {
	local    bool
	reply    chan<- *DapiAnswer
	replyTo  *actor.PID
	deadline time.Time
}

// add records a forward about to be sent; the error refuses it (a duplicate id, a full table).
func (r *dapiRelays) add(c actor.Context, kit *Kit, m *ForwardDapi) error {
	if r.entries == nil {
		r.entries = map[string]*dapiRelay{}
	}
	switch {
	case r.entries[m.ID] != nil:
		return messages.ErrDistributedAPI.With(fmt.Sprintf("request %s is already waiting for an answer", messages.ClipForLog(m.ID)))
	case len(r.entries) >= maxDapiRelays:
		return messages.ErrDistributedAPI.With(fmt.Sprintf("%d requests are waiting for an answer on this connection", len(r.entries)))
	}
	r.entries[m.ID] = &dapiRelay{local: m.Local, reply: m.Reply, replyTo: m.ReplyTo, deadline: kit.Now().Add(m.Timeout)}
	r.arm(c, kit)
	return nil
}

// take removes and returns the forward waiting under id.
func (r *dapiRelays) take(id string) (*dapiRelay, bool) {
	e, ok := r.entries[id]
	if ok {
		delete(r.entries, id)
	}
	return e, ok
}

// finish delivers the answer of the forward waiting under id, if any.
func (r *dapiRelays) finish(c actor.Context, a *DapiAnswer) {
	if e, ok := r.take(a.ID); ok {
		e.deliver(c, a)
	}
}

// sweep ends the forwards whose answer is overdue with 3021, as Wazuh's master does after
// timeout_dapi_request.
func (r *dapiRelays) sweep(c actor.Context, kit *Kit) {
	now := kit.Now()
	for id, e := range r.entries {
		if now.After(e.deadline) {
			delete(r.entries, id)
			e.deliver(c, &DapiAnswer{ID: id, Err: messages.NewClusterError(messages.ErrAPITimeout.Code, nil)})
		}
	}
	r.arm(c, kit)
}

// failAll ends every forward with err: the connection they wait on is gone.
func (r *dapiRelays) failAll(c actor.Context, err error) {
	r.sweeper.stop()
	for id, e := range r.entries {
		delete(r.entries, id)
		e.deliver(c, &DapiAnswer{ID: id, Err: err})
	}
}

// arm schedules the next expiry check at the earliest deadline.
func (r *dapiRelays) arm(c actor.Context, kit *Kit) {
	var next time.Time
	for _, e := range r.entries {
		if next.IsZero() || e.deadline.Before(next) {
			next = e.deadline
		}
	}
	if next.IsZero() {
		r.sweeper.stop()
		return
	}
	r.sweeper.after(kit, max(next.Sub(kit.Now()), time.Millisecond)+time.Millisecond, c.Self(), &sweepDapiRelays{})
}

func (e *dapiRelay) deliver(c actor.Context, a *DapiAnswer) {
	deliverDapi(c, e.reply, e.replyTo, a)
}

// deliverDapi hands an answer to whoever asked: a goroutine's channel (buffered by the asker)
// or an actor.
func deliverDapi(c actor.Context, reply chan<- *DapiAnswer, replyTo *actor.PID, a *DapiAnswer) {
	switch {
	case reply != nil:
		select {
		case reply <- a:
		default:
		}
	case replyTo != nil:
		c.Send(replyTo, a)
	}
}

// sendDapiForward sends m's request on sess and records it in relays; a refusal is delivered
// at once. The immediate answer of the peer comes back to the handler tagged dapiRelayTag.
func sendDapiForward(c actor.Context, kit *Kit, sess *session, relays *dapiRelays, m *ForwardDapi) {
	if err := relays.add(c, kit, m); err != nil {
		deliverDapi(c, m.Reply, m.ReplyTo, &DapiAnswer{ID: m.ID, Err: err})
		return
	}
	payload := messages.DapiRequest{Origin: m.ID, Body: m.Body}.Encode()
	sess.request(c, &SendRequest{Command: messages.CmdDapi, Payload: payload, Tag: dapiRelayTag{id: m.ID}, ReplyTo: c.Self()})
	if m.ReplyTo != nil {
		c.Send(m.ReplyTo, &DapiForwarded{ID: m.ID})
	}
}

// dapiSent reads the peer's immediate answer to a forwarded dapi. "ok Added request to API
// requests queue" changes nothing; an err (a peer that does not serve DAPI, a request it
// refuses) ends the forward with that error; a request that could not be sent at all (the
// connection is closing) ends it as refused; a late acknowledgement (3020) is no verdict: the
// answer may still come, within the forward's own deadline.
func dapiSent(c actor.Context, relays *dapiRelays, m *Response, tag dapiRelayTag) {
	switch {
	case m.Err == nil, isRequestTimeout(m.Err):
	case m.Frame.Command == messages.CmdErr:
		relays.finish(c, &DapiAnswer{ID: tag.id, Err: m.Err})
	default:
		relays.finish(c, &DapiAnswer{ID: tag.id, Err: m.Err, Refused: true})
	}
}

// dapiResult reads the peer's dapi_res "<id> <string id>": it returns the answer to give the
// peer and delivers the string to the forward waiting under that id. Unknown ids are refused
// with 3032, as Wazuh's master does; the string is dropped either way.
func dapiResult(c actor.Context, sess *session, relays *dapiRelays, payload []byte) (reply string, werr *messages.WazuhError) {
	res, err := messages.ParseDapiResult(payload)
	if err != nil {
		return "", messages.ToWazuhError(err)
	}
	data, found := sess.strings.Take(res.StringID)
	e, ok := relays.take(res.RequestID)
	if !ok {
		return "", messages.ErrDAPIForward.With(messages.ClipForLog(res.RequestID))
	}
	a := &DapiAnswer{ID: res.RequestID, Data: data}
	if !found {
		a.Data, a.Err = nil, messages.ErrStringNotFound.With(messages.ClipForLog(res.StringID))
	}
	e.deliver(c, a)
	if e.local {
		return messages.ReplyForwardedToWorker, nil
	}
	return messages.ReplyDapiForwarded, nil
}

// dapiError reads the peer's dapi_err "<id> <text>" and delivers the text to the forward
// waiting under that id; unknown ids are refused with 3032. Wazuh's master refuses a worker's
// dapi_err for a uuid request too (its pending requests are not local clients), so that request
// waits out timeout_dapi_request (DAPI §7 Q5); here it ends at once with the worker's error.
func dapiError(c actor.Context, relays *dapiRelays, payload []byte) *messages.WazuhError {
	e, err := messages.ParseDapiError(payload)
	if err != nil {
		return messages.ToWazuhError(err)
	}
	if _, ok := relays.entries[e.RequestID]; !ok {
		return messages.ErrDAPIForward.With(messages.ClipForLog(e.RequestID))
	}
	relays.finish(c, &DapiAnswer{ID: e.RequestID, Text: e.Text, Failed: true})
	return nil
}

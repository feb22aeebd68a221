package agentsim

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// drainBatch is how many buffered events go into one socket write.
const drainBatch = 64

// shutdownWriteTimeout bounds the farewell message on Stop.
const shutdownWriteTimeout = time.Second

// The keepalive identity every simulated agent reports (agent §3.3).
const (
	unameSuffix  = " |6.1.0 |#1 SMP |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)]"
	eventPrefix  = "1:/var/log/sim.log:"
	startedEvent = "1:wazuh-agent:ossec: Agent started: '"
)

var keepaliveLabels = []agentproto.Label{{Key: "simulator", Value: "agentsim"}}

// bufferPool holds the scratch buffers of sealing and batching, shared by all
// agents so that an idle agent owns none.
var bufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// appendSealed appends msg to dst as one framed secure message.
func (a *agent) appendSealed(dst, msg []byte) ([]byte, error) {
	scratch := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(scratch)
	payload := (*scratch)[:0]
	if a.idPrefix {
		payload = agentproto.AppendID(payload, a.key.ID)
	}
	payload, err := a.cipher.Seal(payload, agentproto.AES, a.counter, msg)
	if err != nil {
		return dst, fmt.Errorf("seal message of agent %s: %w", a.key.ID, err)
	}
	*scratch = payload
	return agentproto.AppendFrame(dst, payload), nil
}

// send writes one message on the session.
func (a *agent) send(s *session, msg []byte, timeout time.Duration) error {
	buf := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(buf)
	frame, err := a.appendSealed((*buf)[:0], msg)
	*buf = frame
	if err != nil {
		return err
	}
	_, err = s.write(frame, timeout)
	return err
}

// keepalive is the agent's periodic status message, reporting its merged.mg sum.
func (a *agent) keepalive(localIP string) []byte {
	merged := "x"
	if sum := a.mergedSum.Load(); sum != nil {
		merged = *sum
	}
	uname := "Linux |" + a.key.Name + unameSuffix
	return agentproto.EncodeKeepalive(uname, "Wazuh "+a.sim.cfg.Version, "", keepaliveLabels, merged, localIP)
}

// startedMessage is the event an agent sends after its first handshake.
func (a *agent) startedMessage() []byte {
	return []byte(startedEvent + a.key.Name + "->" + a.key.IP + "'.")
}

// appendEvent renders log event seq.
func (a *agent) appendEvent(dst []byte, seq uint64) []byte {
	dst = append(dst, eventPrefix...)
	dst = append(dst, a.key.Name...)
	dst = append(dst, " event "...)
	return strconv.AppendUint(dst, seq, 10)
}

// drain writes buffered events in batches. An event leaves the buffer only once
// its whole frame was accepted by the socket, so a failing write loses nothing
// that is still buffered.
func (a *agent) drain(s *session) error {
	var seqs [drainBatch]uint64
	var ends [drainBatch]int
	var line [256]byte
	timeout := a.sim.cfg.TimeReconnect
	stats := &a.sim.servers[s.server]
	buf := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(buf)
	for a.queue.len() > 0 {
		n := a.queue.peek(seqs[:])
		batch := (*buf)[:0]
		for i := range n {
			var err error
			batch, err = a.appendSealed(batch, a.appendEvent(line[:0], seqs[i]))
			if err != nil {
				return err
			}
			ends[i] = len(batch)
		}
		*buf = batch
		written, err := s.write(batch, timeout)
		done := 0
		for done < n && ends[done] <= written {
			done++
		}
		a.queue.pop(done)
		a.sent.Add(int64(done))
		stats.eventsSent.Add(int64(done))
		if err != nil {
			return err
		}
	}
	return nil
}

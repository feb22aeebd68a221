package agentsim

import (
	"context"
	"fmt"
	"net"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// run is the agent's life: connect, serve until the session is lost, fail over,
// again, until ctx ends.
func (a *agent) run(ctx context.Context) {
	defer a.sim.wg.Done()
	gen := newGenerator(a.sim.cfg.EventsPerSecond)
	defer gen.stop()
	a.lastGen = time.Now()
	server, lostFrom := 0, -1
	var lostAt time.Time
	for {
		sess, err := a.connect(ctx, &server, gen)
		if err != nil {
			return
		}
		if lostFrom >= 0 {
			a.sim.recordReconnect(lostFrom, server, time.Since(lostAt))
		}
		err = a.serve(ctx, sess, gen)
		if ctx.Err() != nil {
			return
		}
		lostAt, lostFrom = time.Now(), server
		a.sim.log.WithField("agent", a.key.Name).WithField("server", a.sim.cfg.Servers[server]).
			WithError(err).Debug("connection lost")
	}
}

// connect follows the agent's handshake loop (agent §4.5): MaxRetries attempts on the
// current server, RetryInterval after each failure, then the next server, wrapping.
// It returns an error only when ctx ends.
func (a *agent) connect(ctx context.Context, server *int, gen generator) (*session, error) {
	cfg := a.sim.cfg
	for {
		for range cfg.MaxRetries {
			sess, err := a.handshake(ctx, *server)
			if err == nil {
				return sess, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			a.sim.log.WithField("agent", a.key.Name).WithError(err).Debug("connection attempt failed")
			a.generate(time.Now())
			if !a.wait(ctx, gen, cfg.RetryInterval) {
				return nil, ctx.Err()
			}
		}
		*server = (*server + 1) % len(cfg.Servers)
	}
}

// wait sleeps d while still generating events; false when ctx ended.
func (a *agent) wait(ctx context.Context, gen generator, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case now := <-gen.C():
			a.generate(now)
		}
	}
}

// handshake dials a server, sends the startup message and waits for the ack
// (agent §3.2); the answer must arrive within time-reconnect.
func (a *agent) handshake(ctx context.Context, server int) (*session, error) {
	cfg := a.sim.cfg
	addr := cfg.Servers[server]
	if sem := a.sim.connectSem; sem != nil {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-sem }()
	}
	dialer := net.Dialer{Timeout: cfg.TimeReconnect}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	abort := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	acked := false
	defer func() {
		abort()
		if !acked {
			_ = conn.Close()
		}
	}()
	if err := conn.SetDeadline(time.Now().Add(cfg.TimeReconnect)); err != nil {
		return nil, fmt.Errorf("connection to %s: %w", addr, err)
	}
	buf := bufferPool.Get().(*[]byte)
	frame, err := a.appendSealed((*buf)[:0], agentproto.StartupMessage(cfg.Version))
	if err == nil {
		_, err = conn.Write(frame)
	}
	*buf = frame
	bufferPool.Put(buf)
	if err != nil {
		return nil, fmt.Errorf("send startup to %s: %w", addr, err)
	}
	frames := agentproto.NewFrameReader(conn)
	payload, err := frames.Next()
	if err != nil {
		return nil, fmt.Errorf("wait for ack from %s: %w", addr, err)
	}
	msg, _, _, err := a.cipher.Open(payload)
	if err != nil {
		return nil, fmt.Errorf("answer from %s: %w", addr, err)
	}
	if !agentproto.IsAck(msg) {
		return nil, fmt.Errorf("%s answered %.80q: %w", addr, msg, ErrNoAck)
	}
	if !abort() {
		return nil, ctx.Err()
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		return nil, fmt.Errorf("connection to %s: %w", addr, err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(cfg.TimeReconnect)); err != nil {
		return nil, fmt.Errorf("connection to %s: %w", addr, err)
	}
	a.sim.servers[server].acks.Add(1)
	acked = true
	return newSession(conn, server, frames), nil
}

// serve runs an acknowledged session: the first-start event, keepalives every
// NotifyTime, events as they are generated. It returns why the session ended;
// on ctx end it first says goodbye with the shutdown message.
func (a *agent) serve(ctx context.Context, s *session, gen generator) error {
	a.server.Store(int32(s.server))
	defer a.server.Store(-1)
	go a.readLoop(s)
	notify := time.NewTicker(a.sim.cfg.NotifyTime)
	defer notify.Stop()
	timeout := a.sim.cfg.TimeReconnect
	if err := a.afterHandshake(s); err != nil {
		s.close()
		return err
	}
	for {
		var err error
		select {
		case <-ctx.Done():
			_ = a.send(s, []byte(agentproto.ShutdownMessage), shutdownWriteTimeout)
			s.close()
			return ctx.Err()
		case err = <-s.lost:
		case <-notify.C:
			err = a.send(s, a.keepalive(s.localIP), timeout)
		case now := <-gen.C():
			a.generate(now)
			err = a.drain(s)
		}
		if err != nil {
			s.close()
			return err
		}
	}
}

// afterHandshake sends the first-start event once per agent life, then whatever
// the buffer kept while the agent was away.
func (a *agent) afterHandshake(s *session) error {
	if !a.started {
		if err := a.send(s, a.startedMessage(), a.sim.cfg.TimeReconnect); err != nil {
			return err
		}
		a.started = true
	}
	a.generate(time.Now())
	return a.drain(s)
}

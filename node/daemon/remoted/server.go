package remoted

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
)

// storeDrainTimeout bounds how long Stop waits for the status worker to
// record the control messages still queued.
const storeDrainTimeout = 5 * time.Second

// Server is remoted: the agent listeners and everything behind them.
type Server struct {
	cfg         Config
	st          Store
	assign      GroupAssigner
	log         *logrus.Entry
	limited     *rateLog
	managerHost string

	keys      atomic.Pointer[keyTable]
	keysStamp fileStamp // touched by Start and the housekeeping goroutine only

	sender  *senderCounter
	status  *statusQueue
	pushes  *pushQueue
	arch    *archive
	shared  *sharedSums
	assigns *assigner

	tcpLn   net.Listener
	udpConn *net.UDPConn

	connMu sync.Mutex
	conns  map[*tcpConn]struct{}

	ctx    context.Context // store calls; cancelled at the end of Stop
	cancel context.CancelFunc
	quit   chan struct{} // closed by Stop: loops end
	// keysNow asks the housekeeping loop to look at client.keys at once: a message from an
	// unknown agent is often from one enrolled a moment ago (Wazuh sends a key request then).
	keysNow chan struct{}

	netWG    sync.WaitGroup // accept loop, connection readers and writers, UDP reader
	workerWG sync.WaitGroup // status worker, push workers, monitord, housekeeping

	stateMu sync.Mutex
	started bool
	stopped bool

	totals totals
}

// New checks cfg and prepares a Server; Start binds and runs it.
func New(cfg Config, st Store, assign GroupAssigner) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("%w: nil Store", ErrBadConfig)
	}
	host, _ := os.Hostname()
	s := &Server{
		cfg:         cfg,
		st:          st,
		assign:      assign,
		log:         cfg.Log,
		limited:     newRateLog(cfg.Log, cfg.Now, time.Minute),
		managerHost: host,
		conns:       make(map[*tcpConn]struct{}),
		quit:        make(chan struct{}),
		keysNow:     make(chan struct{}, 1),
		assigns:     newAssigner(),
	}
	s.keys.Store(&keyTable{byID: map[int]*agent{}, byIP: map[string]*agent{}})
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.sender = newSenderCounter(cfg.Home)
	s.status = newStatusQueue()
	s.pushes = newPushQueue()
	s.arch = newArchive(cfg, s.limited)
	s.shared = newSharedSums(cfg.Home)
	return s, nil
}

// Start loads client.keys and the sender counter, marks every agent of this
// node's database disconnected (remoted restart, code 5), binds the
// listeners and starts the goroutines.
func (s *Server) Start() error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if s.started {
		return ErrStarted
	}
	if err := s.loadKeys(); err != nil {
		return err
	}
	if err := s.sender.load(); err != nil {
		return err
	}
	if err := s.st.ResetConnections(s.ctx, s.cfg.Now().Unix()); err != nil {
		return fmt.Errorf("reset agent connections: %w", err)
	}
	if err := s.arch.open(); err != nil {
		return err
	}
	if err := s.listen(); err != nil {
		s.arch.closeFile()
		return err
	}
	s.started = true

	s.arch.start()
	s.workerWG.Add(3 + pushWorkers)
	go s.statusWorker()
	for range pushWorkers {
		go s.pushWorker()
	}
	go s.monitord()
	go s.housekeeping()
	if s.tcpLn != nil {
		s.netWG.Add(1)
		go s.acceptLoop()
	}
	if s.udpConn != nil {
		s.netWG.Add(1)
		go s.udpLoop()
	}
	return nil
}

func (s *Server) listen() error {
	if s.cfg.TCPAddr != "" {
		lc := net.ListenConfig{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 30 * time.Second, Interval: 10 * time.Second, Count: 3}}
		ln, err := lc.Listen(context.Background(), "tcp", s.cfg.TCPAddr)
		if err != nil {
			return fmt.Errorf("listen tcp %s: %w", s.cfg.TCPAddr, err)
		}
		s.tcpLn = ln
	}
	if s.cfg.UDPAddr != "" {
		addr, err := net.ResolveUDPAddr("udp", s.cfg.UDPAddr)
		if err == nil {
			s.udpConn, err = net.ListenUDP("udp", addr)
		}
		if err != nil {
			if s.tcpLn != nil {
				s.tcpLn.Close()
			}
			return fmt.Errorf("listen udp %s: %w", s.cfg.UDPAddr, err)
		}
		// A large receive buffer so bursts are queued by the kernel rather than dropped.
		_ = s.udpConn.SetReadBuffer(8 << 20)
	}
	return nil
}

// TCPAddr is the bound TCP address (nil when TCP is off or not started).
func (s *Server) TCPAddr() net.Addr {
	if s.tcpLn == nil {
		return nil
	}
	return s.tcpLn.Addr()
}

// UDPAddr is the bound UDP address (nil when UDP is off or not started).
func (s *Server) UDPAddr() net.Addr {
	if s.udpConn == nil {
		return nil
	}
	return s.udpConn.LocalAddr()
}

// Stop closes the listeners and every connection, records the control
// messages still queued, flushes the archive, saves the sender counter and
// waits for every goroutine.
func (s *Server) Stop() error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if !s.started {
		return ErrNotStarted
	}
	if s.stopped {
		return nil
	}
	s.stopped = true
	close(s.quit)
	if s.tcpLn != nil {
		s.tcpLn.Close()
	}
	if s.udpConn != nil {
		s.udpConn.Close()
	}
	s.closeConns()
	s.netWG.Wait()

	// Nothing sends events any more: the archive drains its queue and stops.
	archErr := s.arch.stop()

	drain := time.AfterFunc(storeDrainTimeout, s.cancel)
	s.workerWG.Wait()
	drain.Stop()
	s.cancel()

	if err := s.sender.save(); err != nil {
		return err
	}
	return archErr
}

// registerConn tracks c for Stop. It refuses c when the server is stopping (stopping) or
// MaxConnections are open (full).
func (s *Server) registerConn(c *tcpConn) (ok, full bool) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	select {
	case <-s.quit:
		return false, false
	default:
	}
	if s.cfg.MaxConnections > 0 && len(s.conns) >= s.cfg.MaxConnections {
		return false, true
	}
	s.conns[c] = struct{}{}
	s.totals.connections.Add(1)
	return true, false
}

func (s *Server) unregisterConn(c *tcpConn) {
	s.connMu.Lock()
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.totals.connections.Add(-1)
	}
	s.connMu.Unlock()
}

func (s *Server) closeConns() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for c := range s.conns {
		c.close()
	}
}

// stopping reports whether Stop has begun.
func (s *Server) stopping() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

package authd

import (
	"context"
	"io"
	"net"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// Forwarder carries a worker's request to the master's authd through the cluster (sendsync with
// {"daemon_name":"authd","message":{…}}) and returns the master's raw answer. An error means the
// master could not be reached; retrying is the forwarder's business.
type Forwarder interface {
	Forward(ctx context.Context, authdJSON []byte) ([]byte, error)
}

// Service is authd's enrollment logic for one node: a master decides against its Store, a
// worker forwards to the master.
type Service struct {
	cfg         Config
	log         *logrus.Entry
	store       Store
	afterChange func(ctx context.Context) error
	fw          Forwarder
	// acting, when set (a replicated master), says at each request whether this node is the
	// acting master, which decides, or a standby, which forwards like a worker.
	acting func() bool
	// mu serialises the master's check-then-add so ids stay unique and no decision is lost.
	mu sync.Mutex
}

// undoFunc takes back an enrollment whose reply could not be delivered to the agent.
type undoFunc func(ctx context.Context)

// NewMaster returns the master's service. afterChange (may be nil) runs after every change of
// the store (the node rewrites client.keys there); its error makes the request fail with
// Wazuh's internal error.
func NewMaster(cfg Config, st Store, afterChange func(ctx context.Context) error) *Service {
	return &Service{cfg: cfg, log: loggerOrDiscard(cfg.Log), store: st, afterChange: afterChange}
}

// NewWorker returns a worker's service, which forwards every enrollment to the master.
func NewWorker(cfg Config, fw Forwarder) *Service {
	return &Service{cfg: cfg, log: loggerOrDiscard(cfg.Log), fw: fw}
}

// NewReplicated returns the service of a master-eligible node of a replicated master: it
// decides against st while acting() says the node is the acting master, and forwards with fw
// like a worker otherwise. st commits every change through the replicated log.
func NewReplicated(cfg Config, st Store, afterChange func(ctx context.Context) error, fw Forwarder, acting func() bool) *Service {
	return &Service{cfg: cfg, log: loggerOrDiscard(cfg.Log), store: st, afterChange: afterChange, fw: fw, acting: acting}
}

// IsWorker reports whether the service forwards to a master (now, for a replicated master).
func (s *Service) IsWorker() bool { return s.fw != nil && (s.acting == nil || !s.acting()) }

// Enroll handles one request line (with or without its trailing '\n') from sourceIP and returns
// the exact reply authd writes on the TLS connection: "OSSEC K:'<id> <name> <ip> <key>'" or
// "<error>. Unable to add agent".
func (s *Service) Enroll(ctx context.Context, line []byte, sourceIP net.IP) string {
	reply, _ := s.enroll(ctx, line, sourceIP)
	return reply
}

func (s *Service) enroll(ctx context.Context, line []byte, sourceIP net.IP) (string, undoFunc) {
	src := sourceIPString(sourceIP)
	req, err := parseRequest(line, s.cfg.Password, s.cfg.ManagerVersion, s.cfg.AllowHigherVersions)
	if req.Name != "" {
		s.log.Infof("Received request for a new agent (%s) from: %s", messages.ClipForLog(req.Name), src)
	}
	if err != nil {
		return s.refuse(req.Name, src, err.Error()), nil
	}
	ip := req.ResolveIP(s.cfg.UseSourceIP, src)
	if s.IsWorker() {
		return s.forwardEnrollment(ctx, req, ip, src)
	}
	return s.enrollOnMaster(ctx, req, ip, src)
}

// authdResponseSize is authd's response buffer: a refusal's text (which may quote the agent's
// name) is cut to its size before ". Unable to add agent" is appended.
const authdResponseSize = 2048

func (s *Service) refuse(name, src, text string) string {
	s.log.Warnf("Unable to add agent %s (requested by %s) error: %s", messages.ClipForLog(name), src, messages.ClipForLog(text))
	if len(text) > authdResponseSize-1 {
		text = text[:authdResponseSize-1]
	}
	return text + ". Unable to add agent"
}

func (s *Service) accept(id, name, ip, key, src string) string {
	s.log.Infof("Agent key generated for '%s' (requested by %s)", name, src)
	return "OSSEC K:'" + id + " " + name + " " + ip + " " + key + "'"
}

func loggerOrDiscard(l *logrus.Entry) *logrus.Entry {
	if l != nil {
		return l
	}
	discard := logrus.New()
	discard.SetOutput(io.Discard)
	discard.SetLevel(logrus.PanicLevel) // skip formatting lines nobody reads
	return logrus.NewEntry(discard)
}

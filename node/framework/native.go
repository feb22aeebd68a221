package framework

import (
	"context"
	"errors"
	"io"
	"sort"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// Config is what the native functions read: this node, the cluster, the agent store.
type Config struct {
	Node    Node
	Cluster Cluster
	Store   Store   // nil: the agent and group functions are not executed here
	Groups  Groups  // nil: group assignments are not executed here
	Manager Manager // the manager's own row, agent 000
	// OwnDaemons are the manager daemons whose role clusterd plays itself ("wazuh-db",
	// "wazuh-authd", "wazuh-remoted"): get_status reports them running.
	OwnDaemons []string
	Log        *logrus.Entry
	Now        func() time.Time // nil: time.Now
	ProcRoot   string           // where processes are listed; "" is /proc
}

// Native runs the framework functions clusterd implements itself (dapi.Executor). A request
// for any other function is answered at once with dapi.NotExecuted, an exception naming it.
// It is safe for concurrent use: every call reads the node's state afresh.
type Native struct {
	cfg Config
	db  *agentDB
}

var _ dapi.Executor = (*Native)(nil)

// New returns the executor of the native functions.
func New(cfg Config) *Native {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = logrusDiscard()
	}
	n := &Native{cfg: cfg}
	if cfg.Store != nil {
		n.db = &agentDB{store: cfg.Store, manager: cfg.Manager}
	}
	return n
}

// native is one function clusterd executes: its body, and what it needs of the node.
type native struct {
	run        func(c *call) (dapi.Result, error)
	needsStore bool
	needsGroup bool
}

// natives are the functions clusterd executes, by module and qualified name (DAPI §4.2, C
// and G).
var natives = map[string]native{}

func register(module, qualname string, fn native) { natives[module+"."+qualname] = fn }

// Executes reports whether Native runs f (with the store and group services it needs).
func (n *Native) Executes(f dapi.Function) bool {
	fn, ok := natives[f.String()]
	return ok && (!fn.needsStore || n.db != nil) && (!fn.needsGroup || n.cfg.Groups != nil)
}

// Functions lists the functions Native runs, as "module.qualname", sorted.
func Functions() []string {
	out := make([]string, 0, len(natives))
	for name := range natives {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Execute implements dapi.Executor: it runs req.F with req.ExecKwargs() under the caller's
// RBAC policies and returns its result as Wazuh 4.14.7 returns it (DAPI §2.2, §5): errors
// are Wazuh exceptions (*messages.WazuhError) or, for what Python would fail on unexpectedly
// (a TypeError, a KeyError), plain errors that Request.Fail answers as error 1000.
//
// Unlike Wazuh's executor it does not check that the manager's basic daemons run (1017): the
// functions it runs need only clusterd's own state and store.
func (n *Native) Execute(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	fn, ok := natives[req.F.String()]
	if !ok || !n.Executes(req.F) {
		return nil, dapi.NotExecuted(req.F)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &call{ctx: ctx, req: req, n: n, kwargs: req.ExecKwargs()}
	res, err := fn.run(c)
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		// The request's time ran out (execute_local_request's asyncio timeout).
		return nil, messages.ErrAPITimeout.New()
	}
	return res, err
}

// logrusDiscard is a logger that writes nothing, for a Native built without one.
func logrusDiscard() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

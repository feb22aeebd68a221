package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/wire"
)

// Defaults of Client, from Wazuh 4.14.7 cluster.json.
const (
	// DefaultTimeout is intervals.communication.timeout_cluster_request: how long the node has
	// to answer a request.
	DefaultTimeout = 20 * time.Second
	// DefaultResponseTimeout is intervals.communication.timeout_dapi_request: how long a relayed
	// or asynchronous answer may take once the node has acknowledged the request.
	DefaultResponseTimeout = 200 * time.Second
	// DefaultKeepAlive is intervals.worker.keep_alive: while waiting for a late answer the
	// client sends echo-c so that the node keeps the connection.
	DefaultKeepAlive = 60 * time.Second
)

// Client speaks the local protocol of queue/cluster/c-internal.sock (§9.4): plaintext frames,
// no hello, one connection per request, as Wazuh's LocalClient. The zero value of every field
// but SocketPath means its default. A Client is safe for concurrent use: it keeps no state
// between requests.
type Client struct {
	// SocketPath is the node's local socket, usually SocketPath(home).
	SocketPath string
	// Timeout bounds the wait for the node's reply (DefaultTimeout).
	Timeout time.Duration
	// ResponseTimeout bounds the wait for a relayed or asynchronous answer after the node has
	// acknowledged the request (DefaultResponseTimeout).
	ResponseTimeout time.Duration
	// KeepAlive is the echo-c period while waiting for such an answer (DefaultKeepAlive).
	KeepAlive time.Duration
	// Log, when set, receives a debug line per frame exchanged.
	Log *logrus.Entry
}

// SocketPath is the local socket of the node installed in home.
func SocketPath(home string) string {
	return filepath.Join(home, "queue", "cluster", "c-internal.sock")
}

// Do sends one request and returns the answer payload. When the node only acknowledges the
// request — a worker relaying it to its master ("Sent request to master node"), or an
// asynchronous command such as dapi — Do waits for the answer the node sends later as a
// request of its own (control_res, dapi_res after a long string, ...), acknowledging it as
// Wazuh's LocalClientHandler does. An err reply, a relayed text starting with "Error" and an
// answer that is a JSON-encoded Wazuh exception come back as *messages.WazuhError (a plain-text
// error as TextError); a missing socket or a refused connection as ErrNotRunning.
func (c *Client) Do(ctx context.Context, command string, payload []byte) ([]byte, error) {
	if command == "" || len(command) > wire.MaxCommandLen {
		return nil, fmt.Errorf("%w: %q", ErrBadCommand, command)
	}
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	s := newSession(conn, c.log())
	defer s.close()
	answer, err := s.exchange(ctx, command, payload, c.timeouts())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	return answer, nil
}

// dial connects to the local socket, telling "nobody listens" apart from other failures.
func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.SocketPath)
	if err == nil {
		return conn, nil
	}
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil, fmt.Errorf("%w: %v", ErrNotRunning, err)
	}
	return nil, fmt.Errorf("connect to the local socket: %w", err)
}

// timeouts resolves the zero fields to their defaults.
func (c *Client) timeouts() timeouts {
	t := timeouts{reply: c.Timeout, answer: c.ResponseTimeout, keepAlive: c.KeepAlive}
	if t.reply <= 0 {
		t.reply = DefaultTimeout
	}
	if t.answer <= 0 {
		t.answer = DefaultResponseTimeout
	}
	if t.keepAlive <= 0 {
		t.keepAlive = DefaultKeepAlive
	}
	return t
}

// log returns the configured logger or one that discards everything.
func (c *Client) log() *logrus.Entry {
	if c.Log != nil {
		return c.Log
	}
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	quiet.SetLevel(logrus.PanicLevel)
	return logrus.NewEntry(quiet)
}

package wdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// DefaultTimeout bounds one request on queue/db/wdb when Options.Timeout is zero. wazuh-db
// answers in milliseconds; Wazuh's framework sets no bound of its own and relies on the task's
// (timeout_agent_groups, 40 s).
const DefaultTimeout = 30 * time.Second

// Options shape a Client.
type Options struct {
	// Timeout bounds each request, from the first byte sent to the last byte of the answer
	// (DefaultTimeout when zero). A context deadline that comes sooner wins.
	Timeout time.Duration
}

// Client reaches wazuh-db's queue/db/wdb socket. It keeps no connection: Open gives one for a
// sequence of requests (as Wazuh's WazuhDBConnection does), Query one for a single request.
// It is safe for concurrent use.
type Client struct {
	path    string
	timeout time.Duration
}

// NewClient returns a client of the socket at path (SocketPath).
func NewClient(path string, opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Client{path: path, timeout: opts.Timeout}
}

// Path is the socket the client reaches.
func (c *Client) Path() string { return c.path }

// Open connects to wazuh-db. A failure is Wazuh's 2005 (Could not connect to wdb socket).
func (c *Client) Open(ctx context.Context) (*Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "unix", c.path)
	if err != nil {
		return nil, raise(messages.ErrWazuhDBConnect, err.Error(), errors.Join(err, ctx.Err()))
	}
	return &Conn{conn: conn, timeout: c.timeout}, nil
}

// Query sends one command on a connection of its own and returns the answer, whatever its
// status.
func (c *Client) Query(ctx context.Context, command string) (Response, error) {
	conn, err := c.Open(ctx)
	if err != nil {
		return Response{}, err
	}
	defer conn.Close()
	return conn.Query(ctx, command)
}

// Run sends one command on a connection of its own: the payload of an ok or due answer, or
// an err answer as Wazuh's 2003 (Error in wazuhdb request: <wazuh-db's text>).
func (c *Client) Run(ctx context.Context, command string) (Response, error) {
	conn, err := c.Open(ctx)
	if err != nil {
		return Response{}, err
	}
	defer conn.Close()
	return conn.Run(ctx, command)
}

// Conn is one connection to wazuh-db, for requests one after another. After a failed request
// it is unusable (the next answer could be the last one's): close it and open another.
type Conn struct {
	conn    net.Conn
	timeout time.Duration
	broken  error
}

// Close closes the connection.
func (k *Conn) Close() error { return k.conn.Close() }

// Query sends one command and returns the answer, whatever its status.
func (k *Conn) Query(ctx context.Context, command string) (Response, error) {
	text, err := k.Exchange(ctx, []byte(command))
	if err != nil {
		return Response{}, err
	}
	r, err := ParseResponse(text)
	if err != nil {
		return Response{}, raise(messages.ErrWazuhDBRetrieve, err.Error(), err)
	}
	return r, nil
}

// Run sends one command: the answer when its status is ok or due, an err answer as Wazuh's
// 2003 with wazuh-db's text (WazuhDBConnection.send), anything else as 2007.
func (k *Conn) Run(ctx context.Context, command string) (Response, error) {
	r, err := k.Query(ctx, command)
	if err != nil {
		return r, err
	}
	switch r.Status {
	case StatusOK, StatusDue:
		return r, nil
	case StatusErr:
		return r, raise(messages.ErrWazuhDBRequest, r.Payload, ErrAnswer)
	}
	return r, raise(messages.ErrWazuhDBRetrieve, "answer "+r.Status, ErrMalformed)
}

// Exchange sends one raw request and returns the raw answer text. The request is refused
// beyond MaxRequestSize, the answer beyond MaxResponseSize (Wazuh's 2009, read no further);
// an answer of exactly MaxResponseSize bytes is returned with ErrTruncated (wazuh-db cut it).
func (k *Conn) Exchange(ctx context.Context, request []byte) ([]byte, error) {
	if k.broken != nil {
		return nil, raise(messages.ErrWazuhDBConnect, "the connection failed before: "+k.broken.Error(), k.broken)
	}
	if len(request) > MaxRequestSize {
		return nil, raise(messages.ErrWazuhDBRetrieve,
			fmt.Sprintf("a request of %d bytes, %d at most", len(request), MaxRequestSize), ErrRequestTooLarge)
	}
	deadline := time.Now().Add(k.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := k.conn.SetDeadline(deadline); err != nil {
		return nil, k.fail(ctx, err)
	}
	// A cancelled context ends the wait at once.
	stop := context.AfterFunc(ctx, func() { _ = k.conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	frame := make([]byte, 0, headerSize+len(request))
	frame = AppendRequest(frame, string(request))
	if _, err := k.conn.Write(frame); err != nil {
		return nil, k.fail(ctx, err)
	}
	answer, err := readAnswer(k.conn, MaxResponseSize)
	if err != nil {
		return nil, k.fail(ctx, err)
	}
	if len(answer) == MaxResponseSize {
		return answer, raise(messages.ErrWazuhDBPagination, "", ErrTruncated)
	}
	return answer, nil
}

// fail marks the connection unusable and turns err into Wazuh's error for it.
func (k *Conn) fail(ctx context.Context, err error) error {
	k.broken = err
	if cerr := ctx.Err(); cerr != nil {
		return raise(messages.ErrWazuhDBRetrieve, "no answer: "+cerr.Error(), errors.Join(cerr, err))
	}
	var ne net.Error
	switch {
	case errors.Is(err, ErrTooLarge):
		return raise(messages.ErrWazuhDBPagination, err.Error(), err)
	case errors.Is(err, ErrMalformed):
		return raise(messages.ErrWazuhDBRetrieve, err.Error(), err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return raise(messages.ErrWazuhDBIncompleteRead, err.Error(), err)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		// The socket closed under the request: Python's ConnectionError, 2005.
		return raise(messages.ErrWazuhDBConnect, err.Error(), err)
	case errors.As(err, &ne) && ne.Timeout():
		return raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("no answer within %s", k.timeout), err)
	}
	return raise(messages.ErrWazuhDBRetrieve, err.Error(), err)
}

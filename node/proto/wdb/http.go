package wdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// Defaults of HTTPOptions: those of Wazuh's WazuhDBHTTPClient (httpx, retries=5, timeout=10),
// and the largest agent-info document a worker can send in one string (256 MiB).
const (
	DefaultHTTPTimeout  = 10 * time.Second
	DefaultHTTPRetries  = 5
	DefaultRetryBackoff = 500 * time.Millisecond
	DefaultMaxSyncBody  = 256 << 20
	// maxSmallBody bounds the answers that are not agent-info documents (the summary, errors).
	maxSmallBody = 4 << 20
	// maxErrorText is how much of an error answer is kept for the error's text.
	maxErrorText = 4 << 10
)

const (
	apiURL          = "http://localhost/v1"
	applicationJSON = "application/json"
)

// HTTPOptions shape an HTTPClient.
type HTTPOptions struct {
	// Timeout bounds each step of a request, as httpx's Timeout does: connecting, and every
	// read or write, which must make progress within it (DefaultHTTPTimeout when 0). The
	// context bounds the whole request.
	Timeout time.Duration
	// Retries is how many times a failed connection is tried again (DefaultHTTPRetries when
	// 0, none when negative), after 0, RetryBackoff, 2×RetryBackoff… as httpx's transport
	// waits (DefaultRetryBackoff when 0).
	Retries      int
	RetryBackoff time.Duration
	// MaxSyncBody bounds the agent-info document GET /v1/agents/sync may answer
	// (DefaultMaxSyncBody when 0).
	MaxSyncBody int64
}

func (o HTTPOptions) withDefaults() HTTPOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultHTTPTimeout
	}
	switch {
	case o.Retries == 0:
		o.Retries = DefaultHTTPRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = DefaultRetryBackoff
	}
	if o.MaxSyncBody <= 0 {
		o.MaxSyncBody = DefaultMaxSyncBody
	}
	return o
}

// HTTPClient reaches wazuh-db's HTTP API on queue/sockets/wdb-http.sock. It is safe for
// concurrent use; Close drops its idle connections.
type HTTPClient struct {
	path string
	opts HTTPOptions
	hc   *http.Client
}

// NewHTTPClient returns a client of the socket at path (HTTPSocketPath).
func NewHTTPClient(path string, opts HTTPOptions) *HTTPClient {
	h := &HTTPClient{path: path, opts: opts.withDefaults()}
	h.hc = &http.Client{Transport: &http.Transport{
		DialContext:           h.dial,
		MaxIdleConns:          2,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       5 * time.Second,
		ResponseHeaderTimeout: h.opts.Timeout,
		DisableCompression:    true,
	}}
	return h
}

// Close drops the idle connections.
func (h *HTTPClient) Close() { h.hc.CloseIdleConnections() }

// dial connects to the socket, trying again after a failure as httpx's transport does.
func (h *HTTPClient) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	var err error
	for attempt := 0; attempt <= h.opts.Retries; attempt++ {
		if attempt > 0 {
			wait := h.opts.RetryBackoff << (attempt - 1)
			select {
			case <-ctx.Done():
				return nil, errors.Join(err, ctx.Err())
			case <-time.After(wait):
			}
		}
		var conn net.Conn
		d := net.Dialer{Timeout: h.opts.Timeout}
		if conn, err = d.DialContext(ctx, "unix", h.path); err == nil {
			return &stepConn{Conn: conn, step: h.opts.Timeout}, nil
		}
	}
	return nil, err
}

// stepConn is a connection on which every read and write must make progress within step.
type stepConn struct {
	net.Conn
	step time.Duration
}

func (c *stepConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.step))
	return c.Conn.Read(p)
}

func (c *stepConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.step))
	return c.Conn.Write(p)
}

// do sends one request and returns the answer's body, read up to limit bytes. As Wazuh's
// client: an answer with an error status is 2012 with its text, a failure to send or receive
// 2013; beyond limit, 2009 (nothing more is read).
func (h *HTTPClient) do(ctx context.Context, method, endpoint string, body []byte, limit int64) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, apiURL+endpoint, rd)
	if err != nil {
		return nil, raise(messages.ErrWazuhDBSendingHTTP, err.Error(), err)
	}
	req.Header.Set("Accept", applicationJSON)
	if body != nil {
		req.Header.Set("Content-Type", applicationJSON)
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		return nil, raise(messages.ErrWazuhDBSendingHTTP, err.Error(), errors.Join(err, ctx.Err()))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorText))
		return nil, raise(messages.ErrWazuhDBInvalidHTTPRequest, fmt.Sprintf("%s %s", resp.Status, text),
			fmt.Errorf("%w: status %d", ErrAnswer, resp.StatusCode))
	}
	if resp.ContentLength > limit {
		return nil, raise(messages.ErrWazuhDBPagination, fmt.Sprintf("%s %s announced %d bytes, %d at most",
			method, endpoint, resp.ContentLength, limit), ErrTooLarge)
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, raise(messages.ErrWazuhDBSendingHTTP, err.Error(), errors.Join(err, ctx.Err()))
	}
	if n > limit {
		return nil, raise(messages.ErrWazuhDBPagination, fmt.Sprintf("%s %s answered more than %d bytes",
			method, endpoint, limit), ErrTooLarge)
	}
	return buf.Bytes(), nil
}

// AgentsSync is GET /v1/agents/sync (§6.1, the worker): the agents whose information changed
// since the last call. wazuh-db marks every agent synced as it answers: what this returns is
// the only copy of those changes.
func (h *HTTPClient) AgentsSync(ctx context.Context) (messages.AgentInfoChunks, error) {
	body, err := h.do(ctx, http.MethodGet, "/agents/sync", nil, h.opts.MaxSyncBody)
	if err != nil {
		return messages.AgentInfoChunks{}, err
	}
	chunks, err := messages.ParseAgentInfoChunks(body)
	if err != nil {
		return messages.AgentInfoChunks{}, raise(messages.ErrWazuhDBBadJSON, err.Error(), fmt.Errorf("%w: %w", ErrMalformed, err))
	}
	return chunks, nil
}

// SetAgentsSync is POST /v1/agents/sync (§6.1, the master): body is a chunks object
// (messages.AgentInfoChunksWriter). wazuh-db updates the agents it has and skips the others.
func (h *HTTPClient) SetAgentsSync(ctx context.Context, body []byte) error {
	_, err := h.do(ctx, http.MethodPost, "/agents/sync", body, maxSmallBody)
	return err
}

// AgentsSummary is wazuh-db's agents summary (POST /v1/agents/summary): how many agents (000
// left out) have each connection status, each group and each OS platform — every agent when
// ids is nil (wazuh-db then gives the five largest groups and platforms), else those listed.
type AgentsSummary struct {
	ByStatus map[string]int64 `json:"agents_by_status"`
	ByGroups map[string]int64 `json:"agents_by_groups"`
	ByOS     map[string]int64 `json:"agents_by_os"`
}

// AgentsSummary asks for the summary of the agents ids (every agent when nil), as Wazuh's
// framework does for the API's agent summaries.
func (h *HTTPClient) AgentsSummary(ctx context.Context, ids []int) (AgentsSummary, error) {
	var body []byte
	if ids != nil {
		body = append(body, '[')
		for i, id := range ids {
			if i > 0 {
				body = append(body, ", "...)
			}
			body = strconv.AppendInt(body, int64(id), 10)
		}
		body = append(body, ']')
	}
	text, err := h.do(ctx, http.MethodPost, "/agents/summary", body, maxSmallBody)
	if err != nil {
		return AgentsSummary{}, err
	}
	var s AgentsSummary
	if err := decodeRows(text, &s); err != nil {
		return AgentsSummary{}, err
	}
	return s, nil
}

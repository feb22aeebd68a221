package manager

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// DefaultMaxDaemonAnswer bounds one answer of a manager daemon to sendsync. The C clients on
// the workers read answers into OS_MAXSTR (64 KiB) buffers, and wazuh-db cuts its own there;
// sixteen times that leaves room and never lets a daemon make the master hold more.
const DefaultMaxDaemonAnswer = 1 << 20

// DefaultDaemonTimeout bounds one sendsync exchange with a daemon when the caller's deadline is
// later. Wazuh's WazuhSocket waits without bound; the worker's C client does not wait that long.
const DefaultDaemonTimeout = 30 * time.Second

// daemonHeaderSize is the 4-byte little-endian length before every request and answer.
const daemonHeaderSize = 4

// DaemonSocketPath is the request socket of a manager daemon sendsync reaches (cluster §11),
// as Wazuh's wazuh_socket.daemons names them; false for any other name.
func DaemonSocketPath(home, daemon string) (string, bool) {
	switch daemon {
	case "authd":
		return filepath.Join(home, "queue", "sockets", "auth"), true
	case "remoted":
		return filepath.Join(home, "queue", "sockets", "remote"), true
	case "task-manager":
		return filepath.Join(home, "queue", "tasks", "task"), true
	case "wazuh-db":
		return wdb.SocketPath(home), true
	}
	return "", false
}

// daemonSockets serves the master's sendsync requests (actors.Daemons) with the manager's own
// daemons, as Wazuh's wazuh_sendsync does: one connection per request, the message sent with
// a 4-byte little-endian length, one answer read back the same way and relayed as it came.
type daemonSockets struct {
	home      string
	timeout   time.Duration
	maxAnswer int
}

// Dispatch sends message to daemon and returns its answer. Errors are Wazuh's: 1013 when the
// socket is missing (or cannot be reached), 1121 when nobody accepts on it, 1014 for anything
// that goes wrong after, a daemon Wazuh does not know included.
func (d daemonSockets) Dispatch(ctx context.Context, daemon string, message []byte) ([]byte, error) {
	path, ok := DaemonSocketPath(d.home, daemon)
	if !ok {
		// daemons[daemon_name] raises KeyError inside wazuh_sendsync's try: str(KeyError) is
		// the repr of the name.
		return nil, messages.ErrSocketCommunication.With(messages.PyStrRepr(messages.ClipForLog(daemon)))
	}
	request, err := daemonRequest(message)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(d.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	conn, err := dialDaemon(dctx, path)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// A cancelled context ends the wait at once.
	stop := context.AfterFunc(dctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, messages.ErrSocketCommunication.With(pyOSError(err))
	}
	frame := binary.LittleEndian.AppendUint32(make([]byte, 0, daemonHeaderSize+len(request)), uint32(len(request)))
	if _, err := conn.Write(append(frame, request...)); err != nil {
		return nil, messages.ErrSocketCommunication.With(pyOSError(err))
	}
	return readDaemonAnswer(conn, d.maxAnswer)
}

// daemonRequest is the text wazuh_sendsync sends for a sendsync message: a JSON object is
// dumped again (json.dumps: ", " and ": ", non-ASCII escaped), a JSON string is sent as it
// reads. Anything else has no encode() in Python, and fails so.
func daemonRequest(message []byte) ([]byte, error) {
	message = bytes.TrimSpace(message)
	if len(message) == 0 {
		return nil, messages.ErrSocketCommunication.With("'NoneType' object has no attribute 'encode'")
	}
	switch message[0] {
	case '{':
		// Nesting deeper than Python's json module reads is refused as Wazuh's queue fails to
		// load it; the message is bounded before it gets here (actors' maxSendsyncRequest).
		v, err := messages.DecodeOrdered(message)
		if err != nil {
			return nil, messages.ErrJSONNotLoaded.With(err.Error())
		}
		return messages.EncodeJSON(v), nil
	case '"':
		var text string
		if err := json.Unmarshal(message, &text); err != nil {
			return nil, messages.ErrJSONNotLoaded.With(err.Error())
		}
		return []byte(text), nil
	}
	typ := "NoneType"
	switch c := message[0]; {
	case c == '[':
		typ = "list"
	case c == 't' || c == 'f':
		typ = "bool"
	case c == '-' || (c >= '0' && c <= '9'):
		typ = "int"
		if bytes.ContainsAny(message, ".eE") {
			typ = "float"
		}
	}
	return nil, messages.ErrSocketCommunication.With(fmt.Sprintf("'%s' object has no attribute 'encode'", typ))
}

// dialDaemon connects to a daemon's socket, with WazuhSocket's errors: 1013 with the socket's
// name when it does not exist, 1121 when nobody accepts on it, 1013 with the cause otherwise.
func dialDaemon(ctx context.Context, path string) (net.Conn, error) {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "unix", path)
	switch {
	case err == nil:
		return conn, nil
	case errors.Is(err, syscall.ENOENT):
		return nil, messages.ErrSocketConnect.With(filepath.Base(path))
	case errors.Is(err, syscall.ECONNREFUSED):
		return nil, messages.ErrSocketRefused.With(fmt.Sprintf("Socket '%s' cannot receive connections", filepath.Base(path)))
	}
	return nil, messages.ErrSocketConnect.With(pyOSError(err))
}

// readDaemonAnswer reads one framed answer of at most limit bytes; the size is checked before
// anything is allocated. The answer must be UTF-8, as wazuh_sendsync decodes it.
func readDaemonAnswer(r io.Reader, limit int) ([]byte, error) {
	var head [daemonHeaderSize]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The daemon hung up without answering: Python's unpack of a short header.
			return nil, messages.ErrSocketCommunication.With(fmt.Sprintf("unpack requires a buffer of %d bytes", daemonHeaderSize))
		}
		return nil, messages.ErrSocketCommunication.With(pyOSError(err))
	}
	size := binary.LittleEndian.Uint32(head[:])
	if uint64(size) > uint64(limit) {
		return nil, messages.ErrSocketCommunication.With(fmt.Sprintf("an answer of %d bytes, %d at most", size, limit))
	}
	answer := make([]byte, size)
	if n, err := io.ReadFull(r, answer); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, messages.ErrSocketCommunication.With(fmt.Sprintf("the answer ended after %d of %d bytes", n, size))
		}
		return nil, messages.ErrSocketCommunication.With(pyOSError(err))
	}
	if text := messages.PyUTF8Error(answer, 0); text != "" {
		return nil, messages.ErrSocketCommunication.With(text)
	}
	return answer, nil
}

// pyOSError renders a socket error as Python's str() of the OSError it would be:
// "[Errno 32] Broken pipe", "timed out".
func pyOSError(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		text := []rune(errno.Error())
		if len(text) > 0 {
			text[0] = unicode.ToUpper(text[0])
		}
		return fmt.Sprintf("[Errno %d] %s", int(errno), string(text))
	}
	return strings.TrimSpace(err.Error())
}

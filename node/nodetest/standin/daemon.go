package standin

import (
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"sync"
)

// The request sockets of the manager's daemons that sendsync reaches (cluster §10, §11), under
// a home.
func AuthdSocketPath(home string) string { return filepath.Join(home, "queue", "sockets", "auth") }

// RemotedSocketPath is remoted's request socket.
func RemotedSocketPath(home string) string {
	return filepath.Join(home, "queue", "sockets", "remote")
}

// TaskManagerSocketPath is the task manager's (wazuh-modulesd) request socket.
func TaskManagerSocketPath(home string) string {
	return filepath.Join(home, "queue", "tasks", "task")
}

// Daemon is a stand-in of one of the manager's daemons on its request socket (authd's
// queue/sockets/auth, remoted's queue/sockets/remote, the task manager's queue/tasks/task):
// each request is a 4-byte little-endian length and that many bytes, read whole as
// OS_RecvSecureTCP does (one beyond OS_MAXSTR ends the connection), and the answer is what
// the test's function returns, framed the same way (OS_SendSecureTCP). A nil answer closes
// the connection without a word, as a daemon that fails on a request does. StartRawDaemon
// plays a broken or hostile daemon instead. Its methods are safe for concurrent use.
type Daemon struct {
	path  string
	serve func(request []byte) (out []byte, hangUp bool)
	ln    net.Listener

	mu       sync.Mutex
	requests [][]byte
	conns    map[net.Conn]struct{}
	closed   bool
	serving  sync.WaitGroup
}

// StartDaemon serves the socket at path (its folder made if needed), answering each request
// with answer(request).
func StartDaemon(path string, answer func(request []byte) []byte) (*Daemon, error) {
	return StartRawDaemon(path, func(request []byte) ([]byte, bool) {
		a := answer(request)
		if a == nil {
			return nil, true
		}
		return append(binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(a)), uint32(len(a))), a...), false
	})
}

// StartRawDaemon serves the socket at path with serve, whose bytes are written as they are,
// unframed: a size header that lies, an answer cut short, bytes that never end. nil writes
// nothing; hangUp closes the connection once out is written.
func StartRawDaemon(path string, serve func(request []byte) (out []byte, hangUp bool)) (*Daemon, error) {
	ln, err := listenUnix(path)
	if err != nil {
		return nil, err
	}
	d := &Daemon{path: path, serve: serve, ln: ln, conns: map[net.Conn]struct{}{}}
	d.serving.Add(1)
	go func() {
		defer d.serving.Done()
		d.accept()
	}()
	return d, nil
}

// Requests are the requests received so far, in order.
func (d *Daemon) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, len(d.requests))
	for i, r := range d.requests {
		out[i] = string(r)
	}
	return out
}

// Close stops serving, closes every connection and removes the socket file.
func (d *Daemon) Close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	_ = d.ln.Close()
	for c := range d.conns {
		_ = c.Close()
	}
	d.mu.Unlock()
	d.serving.Wait()
}

func (d *Daemon) accept() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			_ = c.Close()
			return
		}
		d.conns[c] = struct{}{}
		d.serving.Add(1)
		d.mu.Unlock()
		go func() {
			defer d.serving.Done()
			d.serveConn(c)
			d.mu.Lock()
			delete(d.conns, c)
			d.mu.Unlock()
			_ = c.Close()
		}()
	}
}

// serveConn answers the requests of one connection until the peer closes it.
func (d *Daemon) serveConn(c net.Conn) {
	var head [4]byte
	for {
		if _, err := io.ReadFull(c, head[:]); err != nil {
			return
		}
		size := binary.LittleEndian.Uint32(head[:])
		if size > maxStr {
			return
		}
		request := make([]byte, size)
		if _, err := io.ReadFull(c, request); err != nil {
			return
		}
		d.mu.Lock()
		d.requests = append(d.requests, request)
		d.mu.Unlock()
		out, hangUp := d.serve(request)
		if len(out) > 0 {
			if _, err := c.Write(out); err != nil {
				return
			}
		}
		if hangUp {
			return
		}
	}
}

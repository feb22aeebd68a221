package standin

import (
	"encoding/binary"
	"io"
	"net"
	"strings"
)

// wazuh-db's buffers (OS_MAXSTR): it reads requests of at most this size and writes answers cut
// to it.
const maxStr = 65536

func (w *WazuhDB) acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		w.connsMu.Lock()
		w.conns[c] = struct{}{}
		w.connsMu.Unlock()
		w.serving.Add(1)
		go func() {
			defer w.serving.Done()
			defer func() {
				w.connsMu.Lock()
				delete(w.conns, c)
				w.connsMu.Unlock()
				_ = c.Close()
			}()
			w.serveConn(c)
		}()
	}
}

// serveConn answers requests on one connection until the peer closes it, as wazuh-db's workers
// do: a request beyond its buffer ends the connection, an empty answer is not sent at all.
func (w *WazuhDB) serveConn(c net.Conn) {
	var head [4]byte
	for {
		if _, err := io.ReadFull(c, head[:]); err != nil {
			return
		}
		size := binary.LittleEndian.Uint32(head[:])
		if size > maxStr {
			return
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		request := string(body)
		terminal := strings.HasSuffix(request, "\n")
		request = strings.TrimSuffix(request, "\n")
		answer := w.Command(request)
		if len(answer) > maxStr { // snprintf(output, OS_MAXSTR + 1, ...)
			answer = answer[:maxStr]
		}
		if answer == "" {
			continue
		}
		if terminal && len(answer) < maxStr-1 {
			answer += "\n"
		}
		out := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(answer)), uint32(len(answer)))
		if _, err := c.Write(append(out, answer...)); err != nil {
			return
		}
	}
}

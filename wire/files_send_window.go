package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// SendFileWindow is SendFileCounting with up to window file_upd pieces in flight at once when r
// is a Pipeliner: the sender no longer waits a round trip (and the peer's write of the piece)
// before sending the next one. The pieces still reach the peer in order, so any receiver of
// §3.2 takes them; it is used between clusterd nodes, whose connection carries the pieces
// while the peer writes the previous ones. window ≤ 1, or a plain Requester, is
// SendFileCounting. Failures are handled as there, answer by answer in order; memory is window
// pieces.
func SendFileWindow(ctx context.Context, r Requester, relPath string, src io.Reader, chunk, window int,
	interrupted func() bool,
) (sent int64, err error) {
	p, ok := r.(Pipeliner)
	if !ok || window <= 1 {
		return SendFileCounting(ctx, r, relPath, src, chunk, interrupted)
	}
	if relPath == "" || strings.ContainsAny(relPath, " \x00") {
		return 0, fmt.Errorf("send file %q: %w", relPath, ErrInvalidTransferPath)
	}
	prefix := relPath + " "
	piece := chunk - len(prefix)
	if piece <= 0 {
		return 0, fmt.Errorf("send file %s with chunk %d: %w", relPath, chunk, ErrChunkTooSmall)
	}
	checksum, err := openTransfer(ctx, r, relPath)
	if err != nil {
		return 0, err
	}

	w := pieceWindow{ctx: ctx, p: p, prefix: prefix, piece: piece}
	stop := false
	for !stop {
		if len(w.flight) == window {
			if stop, err = w.settle(interrupted); err != nil {
				return sent, fmt.Errorf("send file %s: %w", relPath, err)
			}
			if stop {
				break
			}
		}
		buf := w.buffer()
		n, readErr := io.ReadFull(src, buf[len(prefix):])
		if n > 0 {
			checksum.Write(buf[len(prefix) : len(prefix)+n])
			w.start(buf, n)
			sent += int64(n)
		}
		if errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF) {
			break
		}
		if readErr != nil {
			w.drain()
			return sent, fmt.Errorf("send file %s: %w: %w", relPath, ErrFileRead, readErr)
		}
	}
	for len(w.flight) > 0 {
		if _, err := w.settle(nil); err != nil {
			return sent, fmt.Errorf("send file %s: %w", relPath, err)
		}
	}
	end := append([]byte(prefix), checksum.Sum(nil)...)
	if err := fileTransferRequest(ctx, r, CommandFileEnd, end); err != nil {
		return sent, fmt.Errorf("send file %s: %w", relPath, err)
	}
	return sent, nil
}

// pieceWindow holds the file_upd pieces in flight, oldest first, and the buffers of answered
// pieces for reuse. A piece whose request timed out keeps its buffer (the connection may still
// hold it): a fresh one is taken instead.
type pieceWindow struct {
	ctx    context.Context
	p      Pipeliner
	prefix string
	piece  int
	flight []inflightPiece
	free   [][]byte
}

type inflightPiece struct {
	wait func() (messages.Frame, error)
	buf  []byte
}

func (w *pieceWindow) buffer() []byte {
	if n := len(w.free); n > 0 {
		buf := w.free[n-1]
		w.free = w.free[:n-1]
		return buf
	}
	buf := make([]byte, len(w.prefix)+w.piece)
	copy(buf, w.prefix)
	return buf
}

func (w *pieceWindow) start(buf []byte, n int) {
	wait := w.p.Start(w.ctx, CommandFileUpd, buf[:len(w.prefix)+n])
	w.flight = append(w.flight, inflightPiece{wait: wait, buf: buf})
}

// settle waits for the oldest piece's answer; stop reports that interrupted said to send no
// more pieces.
func (w *pieceWindow) settle(interrupted func() bool) (stop bool, err error) {
	oldest := w.flight[0]
	w.flight = w.flight[1:]
	_, err = oldest.wait()
	switch {
	case err == nil:
		w.free = append(w.free, oldest.buf)
	case w.ctx.Err() != nil:
		return false, fmt.Errorf("%s: %w", CommandFileUpd, w.ctx.Err())
	case IsRequestTimeout(err):
	default:
		return false, fmt.Errorf("%w: %s: %w", ErrFileSendAborted, CommandFileUpd, err)
	}
	return interrupted != nil && interrupted(), nil
}

// drain waits for the pieces still in flight, ignoring their answers: the transfer failed.
func (w *pieceWindow) drain() {
	for _, f := range w.flight {
		_, _ = f.wait()
	}
	w.flight = nil
}

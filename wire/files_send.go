package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// SendFile sends the contents of src as the file relPath with the file-transfer sub-protocol
// (§3.2); see SendFileCounting.
func SendFile(ctx context.Context, r Requester, relPath string, src io.Reader, chunk int, interrupted func() bool) error {
	_, err := SendFileCounting(ctx, r, relPath, src, chunk, interrupted)
	return err
}

// SendFileCounting sends src as relPath (relative to WAZUH_HOME with a leading "/", e.g.
// "/queue/cluster/worker1/worker1-1700000000.123456-<hex>.zip"): new_file, file_upd pieces of
// chunk-len(relPath)-1 bytes (chunk is RequestChunk normally, so no payload is ever divided), then
// file_end with the raw 32-byte SHA-256 of what was sent (its CRC-32C when the peer answered
// new_file with ReplyReadyForLinkedFile). It returns the number of file bytes
// sent, which the adaptive package size of §5.7 feeds on.
//
// interrupted, if not nil, is consulted after each piece (cancel_task, §3.3); once it reports
// true no more pieces are sent, but file_end still is, as Wazuh does. Like Wazuh, SendFile ignores
// "err" replies and request timeouts (3020) in all three steps; any other request failure, a
// read error or the cancellation of ctx aborts the transfer.
//
// A piece's payload is reused for the next piece once r returned the peer's answer to it: r
// must not keep it past that (the connection has encoded and sent it before any answer can
// come back).
func SendFileCounting(ctx context.Context, r Requester, relPath string, src io.Reader, chunk int,
	interrupted func() bool,
) (sent int64, err error) {
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
	var payload []byte
	for {
		// The payload is reused once the peer answered the piece it carried (the connection is
		// done with it); after a timeout the connection may still hold it, so a fresh one is
		// taken.
		if payload == nil {
			payload = make([]byte, len(prefix)+piece)
			copy(payload, prefix)
		}
		n, readErr := io.ReadFull(src, payload[len(prefix):len(prefix)+piece])
		if n > 0 {
			_, answered, err := fileTransferStep(ctx, r, CommandFileUpd, payload[:len(prefix)+n])
			if err != nil {
				return sent, fmt.Errorf("send file %s: %w", relPath, err)
			}
			checksum.Write(payload[len(prefix) : len(prefix)+n])
			if !answered {
				payload = nil
			}
			sent += int64(n)
			if interrupted != nil && interrupted() {
				break
			}
		}
		if errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF) {
			break
		}
		if readErr != nil {
			return sent, fmt.Errorf("send file %s: %w: %w", relPath, ErrFileRead, readErr)
		}
	}

	end := append([]byte(prefix), checksum.Sum(nil)...)
	if err := fileTransferRequest(ctx, r, CommandFileEnd, end); err != nil {
		return sent, fmt.Errorf("send file %s: %w", relPath, err)
	}
	return sent, nil
}

// fileTransferRequest sends one step of a file transfer and decides, as Wazuh's send_file does,
// which failures end it: any reply (an "err" one included) and timeouts are let through.
func fileTransferRequest(ctx context.Context, r Requester, command string, payload []byte) error {
	_, _, err := fileTransferStep(ctx, r, command, payload)
	return err
}

// fileTransferStep is fileTransferRequest, also returning the peer's answer and whether there
// was one.
func fileTransferStep(ctx context.Context, r Requester, command string, payload []byte) (answer messages.Frame, answered bool, err error) {
	answer, err = r.Request(ctx, command, payload)
	switch {
	case err == nil:
		return answer, true, nil
	case ctx.Err() != nil:
		return answer, false, fmt.Errorf("%s: %w", command, ctx.Err())
	case IsRequestTimeout(err):
		return answer, false, nil
	default:
		return answer, false, fmt.Errorf("%w: %s: %w", ErrFileSendAborted, command, err)
	}
}

package wdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

const (
	// MaxRequestSize is the largest request wazuh-db reads (OS_MAXSTR). A larger one makes
	// wazuh-db's reader give up, so the client refuses to send it.
	MaxRequestSize = 65536
	// MaxResponseSize is the largest answer wazuh-db writes: its answer buffer (OS_MAXSTR),
	// which it fills and cuts when a result does not fit. An answer of exactly this size was
	// cut (ErrTruncated); a larger one is not wazuh-db's (ErrTooLarge).
	MaxResponseSize = 65536
	// headerSize is the 4-byte little-endian length before every request and answer.
	headerSize = 4
)

// Answer statuses (wdbc_result).
const (
	StatusOK     = "ok"  // done
	StatusDue    = "due" // done so far: ask again for the rest
	StatusErr    = "err" // failed; the payload says why
	StatusIgnore = "ign" // ignored
)

// Response is one wazuh-db answer: "<status> <payload>", or the status alone.
type Response struct {
	Status  string
	Payload string
}

// AppendRequest frames command as wazuh-db reads it.
func AppendRequest(b []byte, command string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(command)))
	return append(b, command...)
}

// ParseResponse splits an answer into its status and payload (wdbc_parse_result). A status
// wazuh-db does not write is ErrMalformed.
func ParseResponse(text []byte) (Response, error) {
	status, payload, _ := strings.Cut(string(text), " ")
	switch status {
	case StatusOK, StatusDue, StatusErr, StatusIgnore:
		return Response{Status: status, Payload: payload}, nil
	}
	return Response{}, fmt.Errorf("%w: status %q", ErrMalformed, messages.ClipForLog(status))
}

// readAnswer reads one framed answer of at most limit bytes. The size is checked before a byte
// of the answer is allocated.
func readAnswer(r io.Reader, limit int) ([]byte, error) {
	var head [headerSize]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(head[:])
	switch {
	case size == 0:
		// wazuh-db never frames an empty answer (it sends nothing instead).
		return nil, fmt.Errorf("%w: empty answer", ErrMalformed)
	case uint64(size) > uint64(limit):
		return nil, fmt.Errorf("%w: %d bytes announced, %d at most", ErrTooLarge, size, limit)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

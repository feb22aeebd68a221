package pyframework

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The frames between clusterd and the framework's process, both ways (helper.py): a 4-byte
// big-endian length, then the body: an 8-byte big-endian call id, a 1-byte kind and the
// payload.
const (
	kindRun    = 'R' // clusterd → process: run the request in the payload
	kindCancel = 'C' // clusterd → process: clusterd stopped waiting for the call

	kindReady   = 'H' // call 0: the framework is imported (a JSON object about it)
	kindFatal   = 'F' // call 0: the framework cannot be imported (a traceback); the process exits
	kindResult  = 'A' // the result, encoded by WazuhJSONEncoder: a result or an exception
	kindRefused = 'E' // a Wazuh exception the request was refused with before it ran
	kindFailed  = 'X' // the text of another exception the request failed with

	lengthSize = 4
	callSize   = 9 // id and kind
)

// errFrame is a frame that breaks the protocol: the process is not trusted to be in step any
// more.
var errFrame = errors.New("the framework's process broke the protocol")

// writeFrame writes one frame.
func writeFrame(w io.Writer, id uint64, kind byte, payload []byte) error {
	var head [lengthSize + callSize]byte
	binary.BigEndian.PutUint32(head[:], uint32(callSize+len(payload)))
	binary.BigEndian.PutUint64(head[lengthSize:], id)
	head[lengthSize+8] = kind
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	if len(payload) == 0 {
		return nil
	}
	_, err := w.Write(payload)
	return err
}

// frameReader reads the process's frames, each at most max bytes: a larger length is refused
// before anything is allocated, and a payload's buffer grows with what actually arrives.
type frameReader struct {
	r   *bufio.Reader
	max int
}

func newFrameReader(r io.Reader, max int) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// readChunk is how much a payload's buffer grows by at first.
const readChunk = 1 << 20

// next reads one frame. io.EOF: the stream ended between frames; errFrame (wrapped): a frame
// too large or too small, or one cut short.
func (fr *frameReader) next() (id uint64, kind byte, payload []byte, err error) {
	var head [lengthSize + callSize]byte
	if _, err = io.ReadFull(fr.r, head[:lengthSize]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, 0, nil, fmt.Errorf("%w: a frame cut short", errFrame)
		}
		return 0, 0, nil, err
	}
	size := int(binary.BigEndian.Uint32(head[:lengthSize]))
	if size < callSize || size > fr.max {
		return 0, 0, nil, fmt.Errorf("%w: a frame of %d bytes (at most %d)", errFrame, size, fr.max)
	}
	if _, err = io.ReadFull(fr.r, head[lengthSize:]); err != nil {
		return 0, 0, nil, fmt.Errorf("%w: a frame cut short", errFrame)
	}
	id = binary.BigEndian.Uint64(head[lengthSize:])
	kind = head[lengthSize+8]
	n := size - callSize
	payload = make([]byte, 0, min(n, readChunk))
	for len(payload) < n {
		if len(payload) == cap(payload) {
			grown := make([]byte, len(payload), min(2*cap(payload), n))
			copy(grown, payload)
			payload = grown
		}
		m, err := fr.r.Read(payload[len(payload):cap(payload)])
		payload = payload[:len(payload)+m]
		if err != nil && len(payload) < n {
			return 0, 0, nil, fmt.Errorf("%w: a frame cut short", errFrame)
		}
	}
	return id, kind, payload, nil
}

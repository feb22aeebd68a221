package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Header is the fixed 20-byte prefix of every frame: counter, payload size (of this frame, after
// encryption) and the padded command whose last byte flags a divided part.
type Header struct {
	Counter uint32
	Size    uint32
	Command string
	// Divided is true for every part of a divided message except the last one.
	Divided bool
}

// EncodeCommandField pads name the way Wazuh's msg_build does: name + " " + "-" × (11 − len).
// Names with a trailing space ("ok ", "ok-m ") are kept verbatim, which yields the double spaces
// real peers send. A name longer than MaxCommandLen is refused with ErrCommandTooLong.
func EncodeCommandField(name string) ([CommandFieldLen]byte, error) {
	var field [CommandFieldLen]byte
	if len(name) > MaxCommandLen {
		return field, fmt.Errorf("%w: %q has %d bytes", ErrCommandTooLong, name, len(name))
	}
	n := copy(field[:], name)
	field[n] = ' '
	for i := n + 1; i < CommandFieldLen; i++ {
		field[i] = '-'
	}
	return field, nil
}

// ParseHeader decodes the first HeaderLen bytes of b following the receiver rule of Wazuh
// 4.14.7: the frame is a divided part iff byte 11 is 'd', and the command is bytes 0..10 cut at
// the first space. It enforces no size limit; the Reader does.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("%w: %d bytes, need %d", ErrBadHeader, len(b), HeaderLen)
	}
	name := b[8 : 8+MaxCommandLen]
	if i := bytes.IndexByte(name, ' '); i >= 0 {
		name = name[:i]
	}
	return Header{
		Counter: binary.BigEndian.Uint32(b[0:4]),
		Size:    binary.BigEndian.Uint32(b[4:8]),
		Command: string(name),
		Divided: b[8+MaxCommandLen] == dividedFlag,
	}, nil
}

// Put writes the 20-byte header into dst, which must hold at least HeaderLen bytes. The command
// is padded as by EncodeCommandField; callers validate its length first (AppendMessage does),
// since a name longer than MaxCommandLen is cut to fit here.
func (h Header) Put(dst []byte) {
	name := h.Command
	if len(name) > MaxCommandLen {
		name = name[:MaxCommandLen]
	}
	field, _ := EncodeCommandField(name) // cannot fail: name fits.
	if h.Divided {
		field[MaxCommandLen] = dividedFlag
	}
	putHeader(dst, h.Counter, h.Size, &field)
}

// putHeader writes counter, size and an already padded and flagged command field.
func putHeader(dst []byte, counter, size uint32, field *[CommandFieldLen]byte) {
	_ = dst[HeaderLen-1] // one bounds check for the whole header.
	binary.BigEndian.PutUint32(dst[0:4], counter)
	binary.BigEndian.PutUint32(dst[4:8], size)
	copy(dst[8:HeaderLen], field[:])
}

package wire

import (
	"fmt"
	"slices"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// AppendMessage appends the frame(s) of one message to dst, as Wazuh's Handler.msg_build builds
// them: the whole payload is encrypted once (not at all with a nil Cipher); if the plaintext is at
// most chunk bytes the token goes in one frame, otherwise the token is cut into pieces of
// chunk−20 bytes, all under the same counter and command, every piece but the last flagged 'd'.
// chunk ≤ 0 means RequestChunk; a chunk not larger than the header is refused (ErrBadChunk).
func AppendMessage(dst []byte, c *Cipher, f messages.Frame, chunk int) ([]byte, error) {
	return appendMessage(dst, sealing{fernet: c}, f, chunk, time.Now().Unix(), nil)
}

// sealing is how a message's payload is sealed: with the link cipher when it is set, with
// Fernet otherwise, not at all with neither (the local socket).
type sealing struct {
	fernet *Cipher
	link   *linkSealer
}

func (s sealing) tokenLen(plainLen int) int {
	if s.link != nil {
		return linkTokenLen(plainLen)
	}
	return s.fernet.TokenLen(plainLen)
}

// appendMessage is AppendMessage with the Fernet time and IV supplied (nil IV: random), so that
// tests can reproduce recorded frames through the same code path.
func appendMessage(dst []byte, s sealing, f messages.Frame, chunk int, ts int64, iv []byte) ([]byte, error) {
	if chunk <= 0 {
		chunk = RequestChunk
	}
	if chunk <= HeaderLen {
		return dst, fmt.Errorf("%w: %d", ErrBadChunk, chunk)
	}
	field, err := EncodeCommandField(f.Command)
	if err != nil {
		return dst, err
	}
	tokenLen := s.tokenLen(len(f.Payload))
	if tokenLen > MaxTotalSize {
		return dst, fmt.Errorf("%w: %d-byte payload seals to %d bytes", ErrPayloadTooLarge, len(f.Payload), tokenLen)
	}
	parts := partCount(len(f.Payload), tokenLen, chunk)

	start := len(dst)
	dst = slices.Grow(dst, parts*HeaderLen+tokenLen)
	dst = dst[:start+parts*HeaderLen+tokenLen]
	region := dst[start:]

	// The token is written contiguously at the end of the region, then each piece is slid back
	// to make room for its header. Pieces only move towards the front, in order, so copy's
	// overlap handling keeps this correct, and a single-frame message moves nothing.
	token := region[parts*HeaderLen:]
	switch {
	case s.link != nil:
		s.link.sealInto(token, f.Payload, f.Counter, f.Command)
	case s.fernet == nil:
		copy(token, f.Payload)
	case iv == nil:
		s.fernet.sealInto(token, f.Payload, randomIV(), ts)
	default:
		s.fernet.sealInto(token, f.Payload, [fernetIVLen]byte(iv), ts)
	}
	if parts == 1 {
		putHeader(region, f.Counter, uint32(tokenLen), &field)
		return dst, nil
	}

	piece := chunk - HeaderLen
	for i := range parts {
		from := parts*HeaderLen + i*piece
		size := min(piece, tokenLen-i*piece)
		to := i*chunk + HeaderLen
		copy(region[to:to+size], region[from:from+size])
		flagged := field
		if i < parts-1 {
			flagged[MaxCommandLen] = dividedFlag
		} else {
			flagged[MaxCommandLen] = lastPartFlag
		}
		putHeader(region[i*chunk:], f.Counter, uint32(size), &flagged)
	}
	return dst, nil
}

// encodedLen is how many bytes appendMessage adds for f (0 if it would refuse it).
func encodedLen(s sealing, f messages.Frame, chunk int) int {
	if chunk <= 0 {
		chunk = RequestChunk
	}
	if chunk <= HeaderLen {
		return 0
	}
	tokenLen := s.tokenLen(len(f.Payload))
	return partCount(len(f.Payload), tokenLen, chunk)*HeaderLen + tokenLen
}

// partCount is how many frames msg_build emits: one when the plaintext fits in a chunk (the
// decision uses the plaintext length, while the pieces are cut from the token), otherwise
// enough pieces of chunk−20 token bytes to hold it.
func partCount(plainLen, tokenLen, chunk int) int {
	if plainLen <= chunk {
		return 1
	}
	piece := chunk - HeaderLen
	return (tokenLen + piece - 1) / piece
}

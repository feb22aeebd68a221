package messages

import (
	"bytes"
	"fmt"
)

// SplitFirst splits a "<head> <rest>" payload at its first space; ok is false when there is no
// space. rest may itself contain spaces (and, for file_upd/file_end, any bytes).
func SplitFirst(p []byte) (head, rest []byte, ok bool) {
	return bytes.Cut(p, []byte{' '})
}

// splitPair splits a "<a> <b>" payload as Python's `a, b = data.split(b' ', 1)`: without a space
// it fails with the ValueError Wazuh's dispatch turns into WazuhInternalError 1000.
func splitPair(p []byte) (head, rest []byte, err error) {
	head, rest, ok := SplitFirst(p)
	if !ok {
		return nil, nil, ErrInternal.With("not enough values to unpack (expected 2, got 1)")
	}
	return head, rest, nil
}

// joinPair builds a "<a> <b>" payload.
func joinPair(head string, rest []byte) []byte {
	out := make([]byte, 0, len(head)+1+len(rest))
	out = append(out, head...)
	out = append(out, ' ')
	return append(out, rest...)
}

// unpackError is Python's ValueError text for `a, b, c, d = parts` with the wrong count.
func unpackError(expected, got int) *WazuhError {
	if got < expected {
		return ErrInternal.With(fmt.Sprintf("not enough values to unpack (expected %d, got %d)", expected, got))
	}
	return ErrInternal.With(fmt.Sprintf("too many values to unpack (expected %d)", expected))
}

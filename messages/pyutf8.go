package messages

import "fmt"

// PyUTF8Error returns Python's UnicodeDecodeError text for the first invalid UTF-8 sequence of
// p ("'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"), or "" when p
// is valid UTF-8. Positions count from base: Wazuh decodes a queued request with its prefix
// ("<client> " or "<worker>*") in front, so the caller says how long that prefix is.
func PyUTF8Error(p []byte, base int) string {
	for i := 0; i < len(p); {
		n, reason := utf8SequenceError(p[i:])
		if reason == "" {
			i += n
			continue
		}
		if n <= 1 {
			return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", p[i], base+i, reason)
		}
		return fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", base+i, base+i+n-1, reason)
	}
	return ""
}

// utf8SequenceError reads the sequence at the start of p as CPython's decoder does: n is its
// length when valid (reason ""), else how many bytes the error covers and why.
func utf8SequenceError(p []byte) (n int, reason string) {
	b := p[0]
	var size int
	lo, hi := byte(0x80), byte(0xbf) // the range of the second byte
	switch {
	case b < 0x80:
		return 1, ""
	case b >= 0xc2 && b <= 0xdf:
		size = 2
	case b >= 0xe0 && b <= 0xef:
		size = 3
		if b == 0xe0 {
			lo = 0xa0
		} else if b == 0xed {
			hi = 0x9f
		}
	case b >= 0xf0 && b <= 0xf4:
		size = 4
		if b == 0xf0 {
			lo = 0x90
		} else if b == 0xf4 {
			hi = 0x8f
		}
	default:
		return 1, "invalid start byte"
	}
	for k := 1; k < size; k++ {
		if k >= len(p) {
			return k, "unexpected end of data"
		}
		c := p[k]
		if k == 1 && (c < lo || c > hi) || k > 1 && (c < 0x80 || c > 0xbf) {
			return k, "invalid continuation byte"
		}
	}
	return size, ""
}

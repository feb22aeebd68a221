package messages

import "strconv"

// MaxLoggedPeerText is how many bytes of a peer's string a log line or an error message shows;
// a node name at its longest (MaxNodeNameLen) fits whole.
const MaxLoggedPeerText = 256

// ClipForLog returns what may be shown of a string a peer chose: at most MaxLoggedPeerText
// bytes, control characters as '?' (a newline must not forge a log line), and how much was cut.
// A peer's megabytes are never copied into a log or an answer.
func ClipForLog(s string) string {
	cut := 0
	if len(s) > MaxLoggedPeerText {
		cut = len(s) - MaxLoggedPeerText
		s = s[:MaxLoggedPeerText]
	}
	b := []byte(nil)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			if b == nil {
				b = []byte(s)
			}
			b[i] = '?'
		}
	}
	if b != nil {
		s = string(b)
	}
	if cut > 0 {
		s += "…(" + strconv.Itoa(cut) + " more bytes)"
	}
	return s
}

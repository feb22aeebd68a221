package messages

import (
	"unicode/utf8"
)

// AppendCJSONString quotes s the way cJSON (wazuh-db's JSON library) prints a string: only '"',
// '\\' and control characters are escaped, everything else, non-ASCII included, is copied raw.
// Invalid UTF-8 becomes U+FFFD so the text stays valid JSON for the Python side.
func AppendCJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		b = appendASCIIEscaped(b, c, false)
		i++
	}
	return append(b, '"')
}

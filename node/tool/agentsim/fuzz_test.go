package agentsim

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func FuzzParseEnrollReply(f *testing.F) {
	key := strings.Repeat("ab", 32)
	for _, seed := range []string{
		"OSSEC K:'001 web01 any " + key + "'",
		"OSSEC K:'12345678 web01 2001:0DB8:0000:0000:0000:0000:0000:0005 " + key + "'",
		"ERROR: Duplicate agent name: web01. Unable to add agent",
		"OSSEC K:'",
		"OSSEC K:''",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, reply []byte) {
		k, err := parseEnrollReply(reply)
		if err != nil {
			var refused *EnrollError
			if !errors.As(err, &refused) && !errors.Is(err, ErrBadEnrollReply) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if checkKey(k) != nil || strings.ContainsAny(k.ID+k.Name+k.IP+k.Raw, " '\n") {
			t.Fatalf("accepted an invalid key %+v", k)
		}
	})
}

func FuzzParseClientKeys(f *testing.F) {
	key := strings.Repeat("0f", 32)
	f.Add("001 web01 any " + key + "\n002 !old any " + key + "\n")
	f.Add("# header\n 001 x\n\n003 db 10.0.0.0/8 " + key)
	f.Add("001 web01 any\n")
	f.Fuzz(func(t *testing.T, text string) {
		keys, err := ParseClientKeys(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, k := range keys {
			if checkKey(k) != nil {
				t.Fatalf("accepted an invalid key %+v", k)
			}
		}
	})
}

// FuzzFileTransfer feeds manager messages separated by NUL bytes.
func FuzzFileTransfer(f *testing.F) {
	f.Add([]byte("#!-up file 900150983cd24fb0d6963f7d28e17f72 merged.mg\n\x00abc\x00#!-close file "))
	f.Add([]byte("#!-agent ack \x00#!-up file x y\n\x00#!-force_reconnect\x00data"))
	f.Add([]byte("#!-up file \n\x00#!-close file \x00#!-close file "))
	f.Fuzz(func(t *testing.T, stream []byte) {
		var tr fileTransfer
		for msg := range bytes.SplitSeq(stream, []byte{0}) {
			res := tr.handle(msg)
			if res.kind == inboundFileVerified && len(res.md5) != 32 {
				t.Fatalf("verified with md5 %q", res.md5)
			}
		}
	})
}

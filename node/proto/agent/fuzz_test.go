package agentproto

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func fuzzCipher(f *testing.F) (*Cipher, vectorFile) {
	v := loadVectors(f)
	c, err := NewCipher(Key{ID: v.Agent.ID, Name: v.Agent.Name, IP: v.Agent.IP, Raw: v.Agent.Key})
	if err != nil {
		f.Fatal(err)
	}
	return c, v
}

// FuzzOpen feeds the decoder either raw wire payloads (encrypted=false) or
// arbitrary decrypted plaintexts that are AES-encrypted first, so the fuzzer
// also reaches the padding, inflate, checksum and header steps.
func FuzzOpen(f *testing.F) {
	c, v := fuzzCipher(f)
	for _, vec := range v.Vectors {
		_, rest, _ := SplitID(mustHex(f, vec.PayloadHex))
		f.Add(rest, false)
		f.Add(mustHex(f, vec.BangsZlibHex), true)
	}
	f.Add([]byte(":"), false)
	f.Add([]byte("!!!!!!!!"), true)
	f.Fuzz(func(t *testing.T, data []byte, plaintext bool) {
		payload := data
		if plaintext {
			payload = append([]byte(aesPrefix), data...)
			pad := 16 - len(data)%16
			payload = append(payload, bytes.Repeat([]byte{byte(pad)}, pad)...)
			enc, _ := c.aesModes()
			enc.crypt(payload[len(aesPrefix):])
		}
		msg, m, h, err := c.Open(payload)
		if err != nil {
			if !errors.Is(err, ErrUnknownMethod) && !errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrFormat) {
				t.Fatalf("Open error %v wraps no sentinel", err)
			}
			return
		}
		if len(msg) == 0 || h.Local > 9999 {
			return // valid for Open, not producible by Seal
		}
		out, err := c.SealWithHeader(nil, m, h, msg)
		if err != nil {
			if len(msg) > MaxPayload {
				return
			}
			t.Fatalf("SealWithHeader of an opened message: %v", err)
		}
		again, m2, h2, err := c.Open(out)
		if err != nil || !bytes.Equal(again, msg) || m2 != m || h2 != h {
			t.Fatalf("re-seal round trip: %q %v %+v %v", again, m2, h2, err)
		}
	})
}

func FuzzParseKeepalive(f *testing.F) {
	_, v := fuzzCipher(f)
	for _, vec := range v.Vectors {
		f.Add([]byte(vec.Plaintext))
	}
	f.Add([]byte("#!-Microsoft Windows 11 Pro [Ver: 10.0.22631.2715] |DESKTOP |x86_64 - Wazuh v4.14.7 / abc\nx merged.mg\n"))
	f.Add([]byte("#!-X [a: (b - \n #\n!\n\"\n [Ver: ]\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		k, err := ParseKeepalive(msg)
		if err != nil {
			if !errors.Is(err, ErrNoNewline) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		_ = LabelsText(k.Labels)
	})
}

func FuzzFrameReader(f *testing.F) {
	_, v := fuzzCipher(f)
	var all []byte
	for _, vec := range v.Vectors {
		frame := mustHex(f, vec.TCPFrameHex)
		f.Add(frame)
		all = append(all, frame...)
	}
	f.Add(all)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, stream []byte) {
		fr := NewFrameReader(bytes.NewReader(stream))
		var rebuilt []byte
		for {
			p, err := fr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, ErrFrameTooBig) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(p) > MaxMessage {
				t.Fatalf("frame of %d bytes", len(p))
			}
			rebuilt = AppendFrame(rebuilt, p)
		}
		if !bytes.Equal(rebuilt, stream) {
			t.Fatal("frames do not rebuild the stream")
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	_, v := fuzzCipher(f)
	for _, vec := range v.Vectors {
		f.Add([]byte(vec.Plaintext))
	}
	f.Add([]byte("1:C|:\\x:y"))
	f.Add([]byte("1:a|"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		e, err := ParseEvent(msg)
		if err != nil {
			if !errors.Is(err, ErrBadEvent) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// Re-rendering the parsed event gives back the message (up to a NUL).
		text := msg
		if i := bytes.IndexByte(text, 0); i >= 0 {
			text = text[:i]
		}
		if got := string([]byte{e.Queue}) + ":" + e.Location + ":" + e.Log; got != string(text) {
			t.Fatalf("re-rendered %q, want %q", got, text)
		}
		_ = e.ForAnalysis("001", "n", "any")
	})
}

func FuzzParseStartup(f *testing.F) {
	f.Add([]byte(`#!-agent startup {"version":"v4.14.7"}`))
	f.Add([]byte("#!-agent startup "))
	f.Add([]byte(`#!-agent startup {"version":[1]}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		v, _, err := ParseStartup(msg)
		if err == nil && v != "" {
			again, has, err := ParseStartup(StartupMessage(v))
			// Decoded JSON strings are valid UTF-8, so the round trip is exact.
			if err != nil || !has || again != v {
				t.Fatalf("StartupMessage(%q) parses to %q %v %v", v, again, has, err)
			}
		}
	})
}

func FuzzSplitID(f *testing.F) {
	f.Add([]byte("!001!#AES:x"))
	f.Add([]byte("!!"))
	f.Fuzz(func(t *testing.T, p []byte) {
		id, rest, ok := SplitID(p)
		if !ok {
			if !bytes.Equal(rest, p) {
				t.Fatal("rest changed without a prefix")
			}
			return
		}
		if got := AppendID(nil, id); !bytes.Equal(append(got, rest...), p) {
			t.Fatalf("AppendID(%q)+rest != input", id)
		}
	})
}

func FuzzParseCounterFile(f *testing.F) {
	f.Add([]byte("7:41:"))
	f.Add([]byte("4294967295:9997:\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, l, err := ParseCounterFile(b)
		if err != nil {
			if !errors.Is(err, ErrBadCounter) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		g2, l2, err := ParseCounterFile(FormatCounterFile(g, l))
		if err != nil || g2 != g || l2 != l {
			t.Fatalf("round trip %d:%d -> %d:%d %v", g, l, g2, l2, err)
		}
	})
}

func FuzzParseUpFile(f *testing.F) {
	f.Add([]byte("#!-up file fcf85c6486d188d8e232a7bcd27f3e80 merged.mg\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		sum, name, ok := ParseUpFile(msg)
		if ok && (sum == "" || name == "" || bytes.ContainsAny([]byte(sum), " \n") || bytes.ContainsRune([]byte(name), '\n')) {
			t.Fatalf("ParseUpFile(%q) = %q %q", msg, sum, name)
		}
	})
}

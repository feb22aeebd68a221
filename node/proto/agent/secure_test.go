package agentproto

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestEncryptionKeyVector(t *testing.T) {
	f := loadVectors(t)
	k := Key{ID: f.Agent.ID, Name: f.Agent.Name, IP: f.Agent.IP, Raw: f.Agent.Key}
	if got := EncryptionKey(k); got != f.EncryptionKey {
		t.Fatalf("EncryptionKey = %q, want %q", got, f.EncryptionKey)
	}
	if got := EncryptionKey(k)[:32]; got != f.AESKeyASCII {
		t.Fatalf("AES key = %q, want %q", got, f.AESKeyASCII)
	}
}

func TestNewCipherRejectsIncompleteKey(t *testing.T) {
	for _, k := range []Key{{Name: "a", Raw: "x"}, {ID: "001", Name: "a"}} {
		if _, err := NewCipher(k); !errors.Is(err, ErrBadKey) {
			t.Errorf("NewCipher(%+v) err = %v, want ErrBadKey", k, err)
		}
	}
}

// Every vector, both directions and both methods, decrypts to its plaintext
// and inner header, and the wire payload carries the "!id!" prefix exactly
// when the key's IP calls for it.
func TestOpenVectors(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			k := v.key(t, f)
			c := mustCipher(t, k)
			payload := mustHex(t, v.PayloadHex)
			if len(payload) != v.PayloadLen {
				t.Fatalf("payload_len %d, hex has %d", v.PayloadLen, len(payload))
			}
			raw, err := os.ReadFile(filepath.Join(vectorDir, v.Name+".payload.bin"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, payload) {
				t.Fatalf("%s.payload.bin differs from payload_hex", v.Name)
			}

			id, rest, ok := SplitID(payload)
			wantPrefix := v.Direction == "agent->manager" && NeedsIDPrefix(k.IP)
			if ok != wantPrefix {
				t.Fatalf("SplitID ok = %v, want %v", ok, wantPrefix)
			}
			if ok && id != k.ID {
				t.Fatalf("SplitID id = %q, want %q", id, k.ID)
			}
			msg, m, h, err := c.Open(rest)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if string(msg) != v.Plaintext {
				t.Fatalf("Open msg = %q, want %q", msg, v.Plaintext)
			}
			if m != v.method() {
				t.Fatalf("method = %v, want %v", m, v.method())
			}
			if want := v.header(t); h != want {
				t.Fatalf("header = %+v, want %+v", h, want)
			}
		})
	}
}

// SealWithHeader reproduces each vector's inner plaintext: what Open returns
// equals the vector, and the decrypted padding is '!' bytes then zlib.
func TestSealWithHeaderVectors(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			k := v.key(t, f)
			c := mustCipher(t, k)
			dst := []byte("keep")
			if NeedsIDPrefix(k.IP) && v.Direction == "agent->manager" {
				dst = AppendID(dst, k.ID)
			}
			out, err := c.SealWithHeader(dst, v.method(), v.header(t), []byte(v.Plaintext))
			if err != nil {
				t.Fatalf("SealWithHeader: %v", err)
			}
			if !bytes.HasPrefix(out, dst) {
				t.Fatalf("Seal did not append to dst")
			}
			_, rest, _ := SplitID(out[len("keep"):])
			msg, m, h, err := c.Open(rest)
			if err != nil {
				t.Fatalf("Open(Seal): %v", err)
			}
			if string(msg) != v.Plaintext || m != v.method() || h != v.header(t) {
				t.Fatalf("round trip = %q %v %+v", msg, m, h)
			}
			// Inspect the decrypted layout: '!' padding, then a zlib
			// stream whose inflated block is the vector's inner plaintext.
			s := &scratch{}
			body := rest[len(m.prefix()):]
			plain, err := c.decrypt(s, m, body)
			if err != nil {
				t.Fatal(err)
			}
			if len(plain)%8 != 0 {
				t.Fatalf("padded block of %d bytes is not a multiple of 8", len(plain))
			}
			trimmed := bytes.TrimLeft(plain, "!")
			if bangs := len(plain) - len(trimmed); bangs < 1 || bangs > 8 {
				t.Fatalf("%d padding bangs", bangs)
			}
			if trimmed[0] != 0x78 || (uint(trimmed[0])<<8|uint(trimmed[1]))%31 != 0 {
				t.Fatalf("zlib header % x is not deflate/32K with a valid check", trimmed[:2])
			}
			inf := &inflater{out: make([]byte, MaxMessage+1)}
			block, err := inf.inflate(trimmed)
			if err != nil {
				t.Fatal(err)
			}
			if string(block) != v.InnerPlaintext {
				t.Fatalf("inner plaintext = %q, want %q", block, v.InnerPlaintext)
			}
		})
	}
}

// The vectors' own "!"+zlib blocks follow the padding rule Seal uses.
func TestVectorPaddingRule(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.Vectors {
		b := mustHex(t, v.BangsZlibHex)
		z := bytes.TrimLeft(b, "!")
		bangs := len(b) - len(z)
		if want := 1 + (8-(len(z)+1)%8)%8; bangs != want || bangs != v.PaddingBangs {
			t.Errorf("%s: %d bangs, rule gives %d, vector says %d", v.Name, bangs, want, v.PaddingBangs)
		}
	}
}

func TestSealCounterRollover(t *testing.T) {
	f := loadVectors(t)
	c := mustCipher(t, Key{ID: f.Agent.ID, Name: f.Agent.Name, IP: f.Agent.IP, Raw: f.Agent.Key})
	ctr := NewCounter(120, 9996)
	want := []Header{{Global: 120, Local: 9997}, {Global: 121, Local: 1}, {Global: 121, Local: 2}}
	for i, w := range want {
		out, err := c.Seal(nil, AES, ctr, []byte(AckMessage))
		if err != nil {
			t.Fatal(err)
		}
		msg, _, h, err := c.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(msg) != AckMessage || h.Global != w.Global || h.Local != w.Local {
			t.Fatalf("message %d: %q header %+v, want %d:%d", i, msg, h, w.Global, w.Local)
		}
	}
	if g, l := ctr.Values(); g != 121 || l != 2 {
		t.Fatalf("Values = %d:%d, want 121:2", g, l)
	}
}

func TestOpenErrors(t *testing.T) {
	f := loadVectors(t)
	good := mustCipher(t, Key{ID: f.Agent.ID, Name: f.Agent.Name, IP: f.Agent.IP, Raw: f.Agent.Key})
	other := mustCipher(t, Key{ID: "001", Name: "vec-agent", Raw: "0000000000000000000000000000000000000000000000000000000000000000"})
	_, ack, _ := SplitID(mustHex(t, f.vector(t, "02_").PayloadHex))
	_, bf, _ := SplitID(mustHex(t, f.vector(t, "15_").PayloadHex))

	sealBlock := func(block []byte) []byte {
		// Builds a payload around an arbitrary inflated block.
		d := deflaters.Get().(*deflater)
		defer deflaters.Put(d)
		z, err := d.compress(block)
		if err != nil {
			t.Fatal(err)
		}
		buf := append([]byte("#AES:"), bytes.Repeat([]byte("!"), 1+(8-(len(z)+1)%8)%8)...)
		buf = append(buf, z...)
		pad := 16 - (len(buf)-5)%16
		buf = append(buf, bytes.Repeat([]byte{byte(pad)}, pad)...)
		enc, _ := good.aesModes()
		enc.crypt(buf[5:])
		return buf
	}
	validBlock := appendBlock(nil, Header{Random: 1, Global: 2, Local: 3}, []byte("x"))
	badSum := bytes.Clone(validBlock)
	badSum[0] ^= 1
	badColon := bytes.Clone(validBlock)
	badColon[checksumLen+randomLen+globalLen] = ';'
	badColonFixed := fixChecksum(badColon)

	cases := []struct {
		name    string
		c       *Cipher
		payload []byte
		want    error
	}{
		{"empty", good, nil, ErrUnknownMethod},
		{"no method", good, []byte("hello"), ErrUnknownMethod},
		{"wrong key aes", other, ack, ErrWrongKey},
		{"wrong key blowfish", other, bf, ErrWrongKey},
		{"aes not block aligned", good, ack[:len(ack)-1], ErrWrongKey},
		{"aes empty body", good, []byte("#AES:"), ErrWrongKey},
		{"blowfish not block aligned", good, bf[:len(bf)-3], ErrWrongKey},
		{"truncated aes", good, ack[:len(ack)-16], ErrWrongKey},
		{"too big", good, append([]byte("#AES:"), make([]byte, MaxMessage+16)...), ErrWrongKey},
		{"checksum", good, sealBlock(badSum), ErrChecksum},
		{"format", good, sealBlock(badColonFixed), ErrFormat},
		{"short block", good, sealBlock([]byte("short")), ErrWrongKey},
		{"inflates too big", good, sealBlock(appendBlock(nil, Header{}, make([]byte, MaxMessage))), ErrWrongKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := tc.c.Open(tc.payload)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open err = %v, want %v", err, tc.want)
			}
		})
	}
}

// fixChecksum recomputes the leading md5hex of a block.
func fixChecksum(block []byte) []byte {
	out := bytes.Clone(block)
	sum := md5.Sum(out[checksumLen:])
	hex.Encode(out[:checksumLen], sum[:])
	return out
}

func TestSealErrors(t *testing.T) {
	c := mustCipher(t, Key{ID: "001", Name: "a", Raw: "k"})
	if _, err := c.Seal(nil, AES, NewCounter(0, 0), nil); !errors.Is(err, ErrEmptyMessage) {
		t.Errorf("empty: %v", err)
	}
	if _, err := c.Seal(nil, AES, NewCounter(0, 0), make([]byte, MaxPayload+1)); !errors.Is(err, ErrMessageTooBig) {
		t.Errorf("too big: %v", err)
	}
	if _, err := c.SealWithHeader(nil, AES, Header{Local: 10000}, []byte("x")); !errors.Is(err, ErrFormat) {
		t.Errorf("local 10000: %v", err)
	}
	if _, err := c.SealWithHeader(nil, Method(7), Header{}, []byte("x")); !errors.Is(err, ErrUnknownMethod) {
		t.Errorf("method 7: %v", err)
	}
}

// The largest accepted message still fits one frame even when it does not compress.
func TestSealLargestIncompressible(t *testing.T) {
	c := mustCipher(t, Key{ID: "001", Name: "a", Raw: "k"})
	msg := make([]byte, MaxPayload)
	x := uint32(1)
	for i := range msg {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		msg[i] = byte(x)
	}
	for _, m := range []Method{AES, Blowfish} {
		out, err := c.Seal(nil, m, NewCounter(0, 0), msg)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > MaxMessage {
			t.Fatalf("%v: %d-byte payload exceeds MaxMessage", m, len(out))
		}
		got, _, _, err := c.Open(out)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%v: round trip failed: %v", m, err)
		}
	}
}

// Messages may carry any byte, NUL included.
func TestSealOpenBinary(t *testing.T) {
	c := mustCipher(t, Key{ID: "001", Name: "a", Raw: "k"})
	msg := []byte{0, 1, 2, '\n', 0xff, ':', '!'}
	for _, m := range []Method{AES, Blowfish} {
		out, err := c.Seal(nil, m, NewCounter(5, 5), msg)
		if err != nil {
			t.Fatal(err)
		}
		got, gm, _, err := c.Open(out)
		if err != nil || !bytes.Equal(got, msg) || gm != m {
			t.Fatalf("%v: got %q %v %v", m, got, gm, err)
		}
	}
}

func TestCipherConcurrentUse(t *testing.T) {
	c := mustCipher(t, Key{ID: "001", Name: "a", Raw: "k"})
	ctr := NewCounter(0, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := Method(g % 2)
			for i := range 200 {
				msg := []byte{byte(g), byte(i), 'x'}
				out, err := c.Seal(nil, m, ctr, msg)
				if err != nil {
					errs <- err
					return
				}
				got, _, _, err := c.Open(out)
				if err != nil || !bytes.Equal(got, msg) {
					errs <- errors.Join(err, errors.New("round trip mismatch"))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if g, l := ctr.Values(); g != 0 || l != 1600 {
		t.Fatalf("counter after 1600 messages = %d:%d", g, l)
	}
}

func TestMethodString(t *testing.T) {
	if AES.String() != "aes" || Blowfish.String() != "blowfish" || Method(9).String() != "unknown" {
		t.Fatal("Method.String")
	}
}

// A node loads every agent of client.keys and hears from few of them: a key costs its derived
// key string until its agent speaks, not the Blowfish key schedule (4 KiB) nor AES round keys.
func TestACipherPreparesNothingUntilUsed(t *testing.T) {
	const n = 10000
	keep := make([]*Cipher, 0, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		c, err := NewCipher(Key{ID: strconv.Itoa(i + 1), Name: "agent" + strconv.Itoa(i), IP: "any", Raw: strings.Repeat("ab", 32)})
		if err != nil {
			t.Fatal(err)
		}
		keep = append(keep, c)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n; per > 160 {
		t.Fatalf("%d bytes per unused cipher", per)
	}
	// Used, it seals and opens as before.
	c := keep[n-1]
	for _, m := range []Method{AES, Blowfish} {
		sealed, err := c.Seal(nil, m, NewCounter(1, 0), []byte(AckMessage))
		if err != nil {
			t.Fatal(err)
		}
		if msg, got, _, err := c.Open(sealed); err != nil || got != m || string(msg) != AckMessage {
			t.Fatalf("%s: %q, %s, %v", m, msg, got, err)
		}
	}
	runtime.KeepAlive(keep)
}

package wire

import (
	"bytes"
	"errors"
	"testing"
)

// specKey and the tokens below are the §2 vectors of the protocol reference, computed with the
// real Wazuh 4.14.7 msg_build and a fixed IV and time.
const specKey = "abcdefghijklmnopqrstuvwxyz012345"

func TestCipherReproducesSpecTokens(t *testing.T) {
	c, err := NewCipher(specKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		plain string
		iv    []byte
		ts    int64
		token string
	}{
		{"worker1 wazuh worker 4.14.7", mustDecodeHex(t, "000102030405060708090a0b0c0d0e0f"), 1700000000,
			"gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD9_UtRSOUmznqzrGj-HhaVopq9eRlQHTXAuTarqtHxiuTUpbz2iW3nS8bVC-ZsTI6inCFDZCEoRqniQkwrV66_E="},
		{"Client worker1 added", bytes.Repeat([]byte{0xaa}, 16), 1700000001,
			"gAAAAABlU_EBqqqqqqqqqqqqqqqqqqqqqq8cn1oKVKTkLpBgL1X7299x-TrNNaqv2avNTdsts-ddEn8WX3ciS48A_jYtNxNADAMNjFTy377Vqr1Soc4PK6s="},
	}
	for _, tc := range cases {
		got := c.EncryptAt([]byte(tc.plain), tc.iv, tc.ts)
		if string(got) != tc.token {
			t.Errorf("%q: got %s, want %s", tc.plain, got, tc.token)
		}
		plain, err := c.Decrypt([]byte(tc.token))
		if err != nil || string(plain) != tc.plain {
			t.Errorf("decrypting %s: %q, %v", tc.token, plain, err)
		}
	}
}

func TestNewCipherRefusesKeysThatAreNot32Bytes(t *testing.T) {
	for _, key := range []string{"", "short", specKey + "x", specKey[:31]} {
		if _, err := NewCipher(key); !errors.Is(err, ErrBadKey) {
			t.Errorf("key of %d bytes: got %v, want ErrBadKey", len(key), err)
		}
	}
}

func TestCipherRoundTripsEveryPaddingLength(t *testing.T) {
	c, err := NewCipher(vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	// Cover every padding length, and plaintexts across several sealing segments.
	sizes := []int{0, 1, 15, 16, 17, 31, 32, 33, 100}
	sizes = append(sizes, sealSegment-1, sealSegment, sealSegment+1, 3*sealSegment+7)
	for _, n := range sizes {
		plain := bytes.Repeat([]byte{byte(n)}, n)
		token := c.Encrypt(plain)
		if len(token) != c.TokenLen(n) {
			t.Fatalf("%d bytes: token of %d, TokenLen says %d", n, len(token), c.TokenLen(n))
		}
		got, err := c.Decrypt(token)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: round trip gave %d bytes, %v", n, len(got), err)
		}
	}
}

func TestCipherTokenLenMatchesSpecFormula(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	for n := range 200 {
		raw := 57 + 16*(n/16+1)
		if want := 4 * ((raw + 2) / 3); c.TokenLen(n) != want {
			t.Fatalf("TokenLen(%d) = %d, want %d", n, c.TokenLen(n), want)
		}
	}
	if c.TokenLen(0) != 100 {
		t.Fatalf("empty plaintext seals to %d bytes, want 100", c.TokenLen(0))
	}
}

func TestCipherDecryptRefusesBadTokens(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	other, _ := NewCipher(specKey)
	good := c.Encrypt([]byte("keepalive"))
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		// Swap between two valid alphabet characters so that base64 still decodes.
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return b
	}
	cases := map[string][]byte{
		"empty":             {},
		"not base64":        []byte("!!!!" + string(good[4:])),
		"length not 4k":     good[:len(good)-1],
		"truncated":         good[:len(good)-4],
		"too short":         []byte("gAAAAAAA"),
		"version":           flip(0),
		"timestamp":         flip(5),
		"ciphertext":        flip(40),
		"mac":               flip(len(good) - 8),
		"other key":         other.Encrypt([]byte("keepalive")),
		"standard alphabet": bytes.ReplaceAll(bytes.ReplaceAll(good, []byte("-"), []byte("+")), []byte("_"), []byte("/")),
	}
	for name, token := range cases {
		if name == "standard alphabet" && bytes.Equal(token, good) {
			continue // this token happens to use neither '-' nor '_'.
		}
		_, err := c.Decrypt(token)
		if !errors.Is(err, ErrDecrypt) || Code(err) != 3025 {
			t.Errorf("%s: got %v (code %d), want ErrDecrypt/3025", name, err, Code(err))
		}
	}
}

func TestCipherDecryptRefusesBadPaddingUnderValidMAC(t *testing.T) {
	// A token whose HMAC is right but whose plaintext padding is wrong can only come from
	// someone holding the key; it must still be refused, not panic.
	c, _ := NewCipher(vectorKey)
	iv := make([]byte, 16)
	for _, lastByte := range []byte{0, 17, 255} {
		token := sealRawForTest(c, bytes.Repeat([]byte{lastByte}, 16), iv)
		if _, err := c.Decrypt(token); !errors.Is(err, ErrDecrypt) {
			t.Errorf("last byte %d: got %v, want ErrDecrypt", lastByte, err)
		}
	}
	token := sealRawForTest(c, append(bytes.Repeat([]byte{'x'}, 13), 1, 2, 3), iv)
	if _, err := c.Decrypt(token); !errors.Is(err, ErrDecrypt) {
		t.Errorf("inconsistent padding: got %v, want ErrDecrypt", err)
	}
}

func TestNilCipherIsPlaintext(t *testing.T) {
	var c *Cipher
	plain := []byte("{}")
	if got := c.Encrypt(plain); !bytes.Equal(got, plain) {
		t.Fatalf("Encrypt: %q", got)
	}
	if got := c.EncryptAt(plain, nil, 0); !bytes.Equal(got, plain) {
		t.Fatalf("EncryptAt: %q", got)
	}
	if got, err := c.Decrypt(plain); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt: %q, %v", got, err)
	}
	if c.TokenLen(5) != 5 {
		t.Fatalf("TokenLen: %d", c.TokenLen(5))
	}
}

func TestCipherOpensAcrossSegmentBoundaries(t *testing.T) {
	// Tokens whose prefix, ciphertext end or MAC straddle a decoding segment take every branch
	// of the one-pass opener; compare with the whole-buffer path.
	c, _ := NewCipher(vectorKey)
	segmentRaw := openSegment / 4 * 3
	for _, around := range []int{segmentRaw, 2 * segmentRaw} {
		for n := around - fernetOverhead - 48; n <= around-fernetOverhead+48; n++ {
			plain := randomPayload(n, 9)
			token := c.Encrypt(plain)
			got, err := c.Decrypt(token)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("%d bytes: %d bytes back, %v", n, len(got), err)
			}
			if lenient, err := c.openLenient(token); err != nil || !bytes.Equal(lenient, plain) {
				t.Fatalf("%d bytes, lenient path: %v", n, err)
			}
			tampered := bytes.Clone(token)
			tampered[len(tampered)-50] ^= 'A' ^ 'B'
			if _, err := c.Decrypt(tampered); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("%d bytes tampered near the end: %v", n, err)
			}
		}
	}
}

func TestCipherAcceptsLineBreaksLikePython(t *testing.T) {
	// Python's urlsafe_b64decode skips characters outside the alphabet; Go's decoder skips line
	// breaks, which is the only leniency a token could plausibly need.
	c, _ := NewCipher(vectorKey)
	token := c.Encrypt([]byte("keepalive"))
	wrapped := append(append(bytes.Clone(token[:40]), '\r', '\n'), token[40:]...)
	if got, err := c.Decrypt(wrapped); err != nil || string(got) != "keepalive" {
		t.Fatalf("got %q, %v", got, err)
	}
}

package wire

import (
	"bytes"
	"encoding/base64"
	"testing"
)

func TestEncodeTokenMatchesTheStandardEncoder(t *testing.T) {
	for n := range 300 {
		src := randomPayload(n, 11)
		want := base64.URLEncoding.EncodeToString(src)
		got := make([]byte, len(want))
		encodeToken(got, src)
		if string(got) != want {
			t.Fatalf("%d bytes: %s, want %s", n, got, want)
		}
	}
}

func TestDecodeTokenMatchesTheStandardDecoder(t *testing.T) {
	// Lengths cover every tail shape and both decoding loops; corruptions cover every position.
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 17, 24, 25, 26, 47, 48, 49, 73} {
		enc := []byte(base64.URLEncoding.EncodeToString(randomPayload(n, 12)))
		assertDecodesLikeStdlib(t, enc)
		// Corrupt each position in turn with characters the alphabet lacks or treats specially.
		for i := range enc {
			for _, bad := range []byte{'=', '+', '/', '\n', 0x80, '.'} {
				mutated := bytes.Clone(enc)
				mutated[i] = bad
				assertDecodesLikeStdlib(t, mutated)
			}
		}
	}
}

func assertDecodesLikeStdlib(t *testing.T, src []byte) {
	t.Helper()
	want := make([]byte, base64.URLEncoding.DecodedLen(len(src)))
	wantN, wantErr := base64.URLEncoding.Decode(want, src)
	got := make([]byte, len(want))
	gotN, gotErr := decodeToken(got, src)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%q: error %v, stdlib %v", src, gotErr, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got[:gotN], want[:wantN]) {
		t.Fatalf("%q: decoded %x, stdlib %x", src, got[:gotN], want[:wantN])
	}
}

func FuzzTokenBase64(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		if len(seed) > HeaderLen {
			f.Add(seed[HeaderLen:])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		assertDecodesLikeStdlib(t, data)
		enc := make([]byte, base64.URLEncoding.EncodedLen(len(data)))
		encodeToken(enc, data)
		if want := base64.URLEncoding.EncodeToString(data); string(enc) != want {
			t.Fatalf("encoded %s, stdlib %s", enc, want)
		}
	})
}

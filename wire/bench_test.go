package wire

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// Run: go test -run='^$' -bench=. -benchmem ./wire/
// The Baseline benchmarks do the bare cryptographic work of a Fernet message (AES-128-CBC and
// HMAC-SHA256 from the standard library, into preallocated buffers, no base64, no framing), so
// the cost of everything else can be read as the ratio to them.

var benchSizes = []struct {
	name string
	n    int
}{
	{"1KiB", 1 << 10},
	{"64KiB", 64 << 10},
	{"5MiB", 5 << 20},
	{"20MiB", 20 << 20},
}

func benchCiphers(b *testing.B) []struct {
	name string
	c    *Cipher
} {
	key, err := NewCipher(vectorKey)
	if err != nil {
		b.Fatal(err)
	}
	return []struct {
		name string
		c    *Cipher
	}{{"plain", nil}, {"fernet", key}}
}

func BenchmarkEncode(b *testing.B) {
	for _, mode := range benchCiphers(b) {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%s", mode.name, size.name), func(b *testing.B) {
				f := messages.Frame{Counter: 1, Command: "file_upd", Payload: randomPayload(size.n, 7)}
				buf, err := AppendMessage(nil, mode.c, f, RequestChunk)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(size.n))
				b.ResetTimer()
				for b.Loop() {
					buf, _ = AppendMessage(buf[:0], mode.c, f, RequestChunk)
				}
			})
		}
	}
}

// loopReader serves the same stream forever, so one Reader decodes it again and again with its
// buffers warm, as on a long-lived connection.
type loopReader struct {
	stream []byte
	off    int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.stream[l.off:])
	l.off = (l.off + n) % len(l.stream)
	return n, nil
}

func BenchmarkDecode(b *testing.B) {
	for _, mode := range benchCiphers(b) {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%s", mode.name, size.name), func(b *testing.B) {
				f := messages.Frame{Counter: 1, Command: "file_upd", Payload: randomPayload(size.n, 7)}
				stream, err := AppendMessage(nil, mode.c, f, RequestChunk)
				if err != nil {
					b.Fatal(err)
				}
				r := NewReader(&loopReader{stream: stream}, mode.c, ReaderLimits{})
				b.SetBytes(int64(size.n))
				b.ResetTimer()
				for b.Loop() {
					if got, err := r.ReadFrame(); err != nil || len(got.Payload) != size.n {
						b.Fatalf("%d bytes, %v", len(got.Payload), err)
					}
				}
			})
		}
	}
}

func BenchmarkBaselineSeal(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			block, mac, iv := baselineCrypto(b)
			padded := (size.n/aes.BlockSize + 1) * aes.BlockSize
			plain := randomPayload(padded, 7)
			out := make([]byte, padded+sha256.Size)
			b.SetBytes(int64(size.n))
			b.ResetTimer()
			for b.Loop() {
				cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[:padded], plain)
				mac.Reset()
				mac.Write(out[:padded])
				mac.Sum(out[:padded])
			}
		})
	}
}

func BenchmarkBaselineOpen(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			block, mac, iv := baselineCrypto(b)
			padded := (size.n/aes.BlockSize + 1) * aes.BlockSize
			sealed := randomPayload(padded, 7)
			sum := make([]byte, 0, sha256.Size)
			out := make([]byte, padded)
			b.SetBytes(int64(size.n))
			b.ResetTimer()
			for b.Loop() {
				mac.Reset()
				mac.Write(sealed)
				sum = mac.Sum(sum[:0])
				cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, sealed)
			}
		})
	}
}

func baselineCrypto(b *testing.B) (cipher.Block, interface {
	Reset()
	Write([]byte) (int, error)
	Sum([]byte) []byte
}, []byte) {
	block, err := aes.NewCipher([]byte(vectorKey[16:]))
	if err != nil {
		b.Fatal(err)
	}
	return block, hmac.New(sha256.New, []byte(vectorKey[:16])), make([]byte, aes.BlockSize)
}

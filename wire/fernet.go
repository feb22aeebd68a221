package wire

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
	"sync"
	"time"
)

// Fernet token layout (https://github.com/fernet/spec), as produced by Python's cryptography:
// 0x80 ‖ timestamp (8, big-endian) ‖ IV (16) ‖ AES-128-CBC/PKCS#7 ciphertext ‖ HMAC-SHA256 (32),
// then URL-safe base64 with '=' padding.
const (
	fernetVersion   = 0x80
	fernetIVLen     = aes.BlockSize
	fernetPrefixLen = 1 + 8 + fernetIVLen
	fernetMACLen    = sha256.Size
	fernetOverhead  = fernetPrefixLen + fernetMACLen
	// fernetMinRaw is the shortest valid raw token: an empty plaintext still pads to one block.
	fernetMinRaw = fernetOverhead + aes.BlockSize
	// sealSegment is how much ciphertext is produced, MACed and base64-encoded per step while
	// sealing, so that the three passes run on cache-hot data. It is a multiple of both the AES
	// block (16) and the base64 group (3).
	sealSegment = 48 << 10
)

// Cipher is Fernet keyed the way Wazuh keys it: the Fernet key string is base64(cluster key), so
// the 32 ASCII bytes of the cluster key are the raw key, HMAC key = key[0:16] and AES key =
// key[16:32]. Tokens are never checked for age, as Wazuh passes no TTL.
//
// A Cipher is safe for concurrent use. A nil *Cipher stands for the unencrypted local socket:
// its methods return their input unchanged, and every function of this package that takes a
// *Cipher treats nil the same way.
type Cipher struct {
	key     []byte // the whole cluster key, from which the link cipher's keys are derived
	signKey []byte
	block   cipher.Block
	macs    sync.Pool // of hash.Hash keyed with signKey, to spare an HMAC setup per message.
}

// NewCipher builds the cipher for a cluster key, which must be exactly 32 bytes (ErrBadKey).
func NewCipher(key string) (*Cipher, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: got %d bytes", ErrBadKey, len(key))
	}
	raw := []byte(key)
	block, err := aes.NewCipher(raw[16:32])
	if err != nil {
		return nil, fmt.Errorf("wire: aes key: %w", err)
	}
	c := &Cipher{key: raw, signKey: raw[0:16:16], block: block}
	c.macs.New = func() any { return hmac.New(sha256.New, c.signKey) }
	return c, nil
}

// TokenLen is the size of the token that sealing plainLen bytes produces (plainLen for nil).
func (c *Cipher) TokenLen(plainLen int) int {
	if c == nil {
		return plainLen
	}
	padded := (plainLen/aes.BlockSize + 1) * aes.BlockSize
	return tokenEncoding.EncodedLen(fernetOverhead + padded)
}

// Encrypt seals plain with a random IV and the current time.
func (c *Cipher) Encrypt(plain []byte) []byte {
	if c == nil {
		return plain
	}
	out := make([]byte, c.TokenLen(len(plain)))
	c.sealInto(out, plain, randomIV(), time.Now().Unix())
	return out
}

// EncryptAt seals plain with a given IV (16 bytes; it panics otherwise, like
// cipher.NewCBCEncrypter) and timestamp, which makes tokens reproducible for test vectors.
func (c *Cipher) EncryptAt(plain, iv []byte, ts int64) []byte {
	if c == nil {
		return plain
	}
	if len(iv) != fernetIVLen {
		panic(fmt.Sprintf("wire: Fernet IV must be %d bytes, got %d", fernetIVLen, len(iv)))
	}
	out := make([]byte, c.TokenLen(len(plain)))
	c.sealInto(out, plain, [fernetIVLen]byte(iv), ts)
	return out
}

// Decrypt verifies and opens a token. Any failure (bad base64, bad length, bad version, bad
// HMAC, bad padding) is reported as ErrDecrypt, wrapped with the reason.
func (c *Cipher) Decrypt(token []byte) ([]byte, error) {
	if c == nil {
		return token, nil
	}
	return c.open(token)
}

func randomIV() [fernetIVLen]byte {
	var iv [fernetIVLen]byte
	// crypto/rand.Read never fails on supported platforms (it crashes the program instead).
	_, _ = rand.Read(iv[:])
	return iv
}

func (c *Cipher) getMAC() hash.Hash {
	mac := c.macs.Get().(hash.Hash)
	mac.Reset()
	return mac
}

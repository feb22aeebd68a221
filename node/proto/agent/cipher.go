package agentproto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sync"

	//lint:ignore SA1019 Wazuh's legacy ":" method is Blowfish-CBC; agents still use it.
	"golang.org/x/crypto/blowfish"
)

// Key is one client.keys entry.
type Key struct{ ID, Name, IP, Raw string }

// Fixed IVs of Wazuh's secure messages (agent §2.4): every message of every
// agent uses the same IV, so only the random value and the counters make two
// ciphertexts differ.
var (
	aesIV      = []byte("FEDCBA0987654321")
	blowfishIV = []byte{0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
)

// Cipher holds the AES and Blowfish ciphers of one key (safe for concurrent use). Each is
// prepared on its first use: a node loads every agent of client.keys, most of which it never
// hears from, and only legacy agents use Blowfish, whose key schedule is the costly one (4 KiB
// of S-boxes and about 500 block encryptions per key). CBC modes are pooled because a
// BlockMode carries the chaining state of one operation.
type Cipher struct {
	encKey string // EncryptionKey of the agent

	aes, blowfish lazyModes
}

// lazyModes is one block cipher's CBC modes, made on first use. A Cipher holds only the pointer:
// a node keeps a Cipher for every agent of client.keys (50,000 on a large master, and on each of
// its workers), and the two pools are 160 bytes that most agents never need.
type lazyModes struct {
	once  sync.Once
	modes *modePair
}

type modePair struct{ enc, dec modePool }

// modePool recycles CBC block modes of one block cipher and direction; each
// use starts again from the fixed IV.
type modePool struct {
	pool sync.Pool
	iv   []byte
	make func() cipher.BlockMode
}

// ivSetter is implemented by the standard library's CBC modes; it lets a
// pooled mode restart from the fixed IV without a new allocation.
type ivSetter interface{ SetIV([]byte) }

func newModePool(b cipher.Block, iv []byte, encrypt bool) modePool {
	mk := func() cipher.BlockMode { return cipher.NewCBCDecrypter(b, iv) }
	if encrypt {
		mk = func() cipher.BlockMode { return cipher.NewCBCEncrypter(b, iv) }
	}
	return modePool{iv: iv, make: mk}
}

// crypt runs CBC over buf in place (len(buf) must be a multiple of the block size).
func (p *modePool) crypt(buf []byte) {
	m, _ := p.pool.Get().(cipher.BlockMode)
	if m == nil {
		m = p.make()
	} else if s, ok := m.(ivSetter); ok {
		s.SetIV(p.iv)
	} else {
		m = p.make()
	}
	m.CryptBlocks(buf, buf)
	if _, ok := m.(ivSetter); ok {
		p.pool.Put(m)
	}
}

// NewCipher derives the encryption key of k (agent §2.3); the block ciphers are prepared when
// first used.
func NewCipher(k Key) (*Cipher, error) {
	if k.ID == "" || k.Raw == "" {
		return nil, fmt.Errorf("agent %q: %w", k.ID, ErrBadKey)
	}
	return &Cipher{encKey: EncryptionKey(k)}, nil
}

// The key is 47 hexadecimal characters (two MD5 digests, the second cut): AES-256 takes its
// first 32 bytes and Blowfish all of it, sizes both accept, so neither can refuse the key.

func (c *Cipher) aesModes() (enc, dec *modePool) {
	c.aes.once.Do(func() {
		b, err := aes.NewCipher([]byte(c.encKey[:32]))
		if err != nil {
			panic(fmt.Sprintf("agentproto: a 32-byte AES key refused: %v", err))
		}
		c.aes.modes = &modePair{enc: newModePool(b, aesIV, true), dec: newModePool(b, aesIV, false)}
	})
	return &c.aes.modes.enc, &c.aes.modes.dec
}

func (c *Cipher) blowfishModes() (enc, dec *modePool) {
	c.blowfish.once.Do(func() {
		b, err := blowfish.NewCipher([]byte(c.encKey))
		if err != nil {
			panic(fmt.Sprintf("agentproto: a %d-byte Blowfish key refused: %v", len(c.encKey), err))
		}
		c.blowfish.modes = &modePair{enc: newModePool(b, blowfishIV, true), dec: newModePool(b, blowfishIV, false)}
	})
	return &c.blowfish.modes.enc, &c.blowfish.modes.dec
}

// EncryptionKey returns Wazuh's 47-character encryption key of k:
// md5hex(raw) ‖ first 15 chars of md5hex(md5hex(name) ‖ md5hex(id)).
// AES uses its first 32 bytes, Blowfish all of it.
func EncryptionKey(k Key) string {
	c := md5hex(md5hex(k.Name) + md5hex(k.ID))
	return md5hex(k.Raw) + c[:15]
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

package wire

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"sync"
)

// sealWindow holds one segment of ciphertext plus what surrounds it: the 25-byte prefix at
// first, up to two bytes carried between base64 groups, the padded last block and the MAC.
type sealWindow [sealSegment + 2*aes.BlockSize + fernetMACLen]byte

var sealScratch = sync.Pool{New: func() any { return new(sealWindow) }}

// sealInto writes the token for plain into out, which must be exactly TokenLen(len(plain))
// bytes. The ciphertext is produced segment by segment into a small scratch buffer, MACed and
// base64-encoded straight into out, so no token-sized intermediate buffer exists.
func (c *Cipher) sealInto(out, plain []byte, iv [fernetIVLen]byte, ts int64) {
	scratch := sealScratch.Get().(*sealWindow)
	defer sealScratch.Put(scratch)
	mac := c.getMAC()
	defer c.macs.Put(mac)
	cbc := cipher.NewCBCEncrypter(c.block, iv[:])

	// buf holds raw token bytes not yet base64-encoded: the prefix at first, then at most two
	// bytes carried over to keep base64 groups of three aligned.
	buf := scratch[:0]
	buf = append(buf, fernetVersion)
	buf = binary.BigEndian.AppendUint64(buf, uint64(ts))
	buf = append(buf, iv[:]...)
	mac.Write(buf)

	written := 0
	flushGroups := func() {
		whole := encodeGroups(out[written:], buf)
		written += whole / 3 * 4
		buf = buf[:copy(buf, buf[whole:])]
	}

	fullBlocks := len(plain) &^ (aes.BlockSize - 1)
	for off := 0; off < fullBlocks; {
		n := min(fullBlocks-off, sealSegment)
		start := len(buf)
		buf = buf[:start+n]
		cbc.CryptBlocks(buf[start:], plain[off:off+n])
		mac.Write(buf[start:])
		off += n
		flushGroups()
	}

	// PKCS#7 always adds 1..16 bytes, so the last block exists even for an empty plaintext.
	var last [aes.BlockSize]byte
	tail := copy(last[:], plain[fullBlocks:])
	pad := byte(aes.BlockSize - tail)
	for i := tail; i < aes.BlockSize; i++ {
		last[i] = pad
	}
	cbc.CryptBlocks(last[:], last[:])
	mac.Write(last[:])
	buf = append(buf, last[:]...)
	buf = mac.Sum(buf)
	encodeToken(out[written:], buf)
}

package wire

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// sealRawForTest builds a correctly signed token around blocks that are already padded (or
// deliberately mispadded), which the real sealing path never produces.
func sealRawForTest(c *Cipher, blocks, iv []byte) []byte {
	raw := []byte{fernetVersion}
	raw = binary.BigEndian.AppendUint64(raw, 1700000000)
	raw = append(raw, iv...)
	ct := make([]byte, len(blocks))
	cipher.NewCBCEncrypter(c.block, iv).CryptBlocks(ct, blocks)
	raw = append(raw, ct...)
	mac := hmac.New(sha256.New, c.signKey)
	mac.Write(raw)
	raw = mac.Sum(raw)
	return []byte(tokenEncoding.EncodeToString(raw))
}

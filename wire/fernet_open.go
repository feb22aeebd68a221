package wire

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"fmt"
	"sync"
)

// openSegment is how many token symbols are decoded per step while opening; a multiple of 4, it
// yields 48 KiB of raw bytes, which are MACed and decrypted while still in cache.
const openSegment = 64 << 10

// openWindowLen holds one decoded segment plus what a step may leave over: an incomplete AES
// block (< 16 bytes) or the MAC (32 bytes) decoded ahead of the ciphertext.
const openWindowLen = openSegment/4*3 + 2*fernetMACLen

var openScratch = sync.Pool{New: func() any { return new([openWindowLen]byte) }}

// open verifies and decrypts a token in one pass over it: base64 decoding, HMAC and CBC
// decryption run segment by segment, so the token is read once and the plaintext written once.
// The plaintext is always a fresh allocation. Tokens that are not canonical base64 (line breaks,
// which Python's decoder also skips) take the slower path through encoding/base64.
func (c *Cipher) open(token []byte) ([]byte, error) {
	rawLen, canonical := canonicalDecodedLen(token)
	if !canonical {
		return c.openLenient(token)
	}
	if err := checkRawLen(rawLen); err != nil {
		return nil, err
	}
	signedEnd := rawLen - fernetMACLen // also where the ciphertext ends.
	plain := make([]byte, signedEnd-fernetPrefixLen)

	scratch := openScratch.Get().(*[openWindowLen]byte)
	defer openScratch.Put(scratch)
	mac := c.getMAC()
	defer c.macs.Put(mac)

	// window holds raw token bytes from position base on; everything before macPos has been
	// MACed and everything before ctPos decrypted (ctPos trails to keep whole AES blocks).
	window := scratch[:0]
	base, macPos, ctPos := 0, 0, fernetPrefixLen
	var cbc cipher.BlockMode
	body := token[:len(token)-4] // the last group may carry padding; it is decoded apart.
	for sym, done := 0, false; !done; {
		start := len(window)
		if sym < len(body) {
			k := min(openSegment, len(body)-sym)
			window = window[:start+k/4*3]
			if !decodeGroups(window[start:], body[sym:sym+k]) {
				return c.openLenient(token)
			}
			sym += k
		} else {
			window = window[:start+3]
			n, err := tokenEncoding.Decode(window[start:], token[len(body):])
			if err != nil {
				return c.openLenient(token)
			}
			window = window[:start+n]
			done = true
		}
		end := base + len(window)

		if macEnd := min(end, signedEnd); macEnd > macPos {
			mac.Write(window[macPos-base : macEnd-base])
			macPos = macEnd
		}
		if cbc == nil {
			if end < fernetPrefixLen {
				continue // cannot happen with checkRawLen's minimum, kept for safety.
			}
			if window[0] != fernetVersion {
				return nil, fmt.Errorf("%w: token version 0x%02x", ErrDecrypt, window[0])
			}
			cbc = cipher.NewCBCDecrypter(c.block, window[1+8:fernetPrefixLen])
		}
		if blocks := (min(end, signedEnd) - ctPos) &^ (aes.BlockSize - 1); blocks > 0 {
			cbc.CryptBlocks(plain[ctPos-fernetPrefixLen:][:blocks], window[ctPos-base:][:blocks])
			ctPos += blocks
		}
		window = window[:copy(window, window[ctPos-base:])]
		base = ctPos
	}
	if ctPos != signedEnd || len(window) != fernetMACLen {
		return nil, fmt.Errorf("%w: token ended early", ErrDecrypt)
	}
	// The expected MAC goes into the scratch right after the received one, sparing an allocation.
	if !hmac.Equal(mac.Sum(scratch[fernetMACLen:fernetMACLen]), window) {
		return nil, fmt.Errorf("%w: HMAC mismatch", ErrDecrypt)
	}
	return unpad(plain)
}

// canonicalDecodedLen is the decoded length of a token made only of 4-symbol groups with at
// most two '=' at the end; ok is false when the token needs the lenient decoder.
func canonicalDecodedLen(token []byte) (n int, ok bool) {
	if len(token) < 4 || len(token)%4 != 0 {
		return 0, false
	}
	n = len(token) / 4 * 3
	if token[len(token)-1] == '=' {
		n--
		if token[len(token)-2] == '=' {
			n--
		}
	}
	return n, true
}

func checkRawLen(n int) error {
	if n < fernetMinRaw || (n-fernetOverhead)%aes.BlockSize != 0 {
		return fmt.Errorf("%w: token of %d bytes has an impossible length", ErrDecrypt, n)
	}
	return nil
}

// openLenient decodes the whole token with encoding/base64 first (accepting what it accepts and
// reporting its errors), then verifies and decrypts.
func (c *Cipher) openLenient(token []byte) ([]byte, error) {
	raw := make([]byte, tokenEncoding.DecodedLen(len(token)))
	n, err := tokenEncoding.Decode(raw, token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	raw = raw[:n]
	if err := checkRawLen(n); err != nil {
		return nil, err
	}
	if raw[0] != fernetVersion {
		return nil, fmt.Errorf("%w: token version 0x%02x", ErrDecrypt, raw[0])
	}
	signed, sum := raw[:n-fernetMACLen], raw[n-fernetMACLen:]
	mac := c.getMAC()
	mac.Write(signed)
	var expected [fernetMACLen]byte
	ok := hmac.Equal(mac.Sum(expected[:0]), sum)
	c.macs.Put(mac)
	if !ok {
		return nil, fmt.Errorf("%w: HMAC mismatch", ErrDecrypt)
	}
	ciphertext := signed[fernetPrefixLen:]
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(c.block, signed[1+8:fernetPrefixLen]).CryptBlocks(plain, ciphertext)
	return unpad(plain)
}

// unpad strips PKCS#7 padding, which is only looked at once the HMAC has been verified.
func unpad(plain []byte) ([]byte, error) {
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
		}
	}
	return plain[:len(plain)-pad], nil
}

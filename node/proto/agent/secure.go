package agentproto

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
)

// Header is the inner header of a secure message: rand5, global10, local4.
type Header struct {
	Random uint16
	Global uint32
	Local  uint32
}

// Layout of the inflated block: md5hex(inner) ‖ rand5 ‖ global10 ":" local4 ":" msg.
const (
	checksumLen = 32
	randomLen   = 5
	globalLen   = 10
	localLen    = 4
	// headerLen covers checksum, random, global, ':', local, ':'.
	headerLen = checksumLen + randomLen + globalLen + 1 + localLen + 1
	// MaxPayload is the largest message Seal accepts (CreateSecMSG's limit:
	// OS_MAXSTR minus room for the header, compression overhead and padding).
	MaxPayload = MaxMessage - 128
)

// scratch holds the working buffers of one Open or Seal call.
type scratch struct{ buf []byte }

var scratches = sync.Pool{New: func() any { return &scratch{buf: make([]byte, 0, 1024)} }}

// Open decrypts one secure payload WITHOUT the "!<id>!" prefix (starting with
// "#AES:" or ":"), checks padding, inflates (at most MaxMessage bytes),
// verifies the MD5 and parses the header. It returns a fresh copy of the
// message text, which may contain any byte. Errors wrap ErrUnknownMethod,
// ErrWrongKey (1404), ErrChecksum (1406) or ErrFormat (1403).
func (c *Cipher) Open(payload []byte) (msg []byte, m Method, h Header, err error) {
	var body []byte
	switch {
	case bytes.HasPrefix(payload, []byte(aesPrefix)):
		m, body = AES, payload[len(aesPrefix):]
	case bytes.HasPrefix(payload, []byte(blowfishPrefix)):
		m, body = Blowfish, payload[len(blowfishPrefix):]
	default:
		return nil, AES, Header{}, ErrUnknownMethod
	}
	if len(body) > MaxMessage {
		return nil, m, Header{}, fmt.Errorf("%d-byte ciphertext: %w", len(body), ErrWrongKey)
	}

	s := scratches.Get().(*scratch)
	defer scratches.Put(s)
	plain, err := c.decrypt(s, m, body)
	if err != nil {
		return nil, m, Header{}, err
	}
	// Compressed layout: one or more '!' then zlib. A plaintext starting with
	// ':' is the uncompressed OSSEC layout, which no current sender produces.
	if len(plain) == 0 || plain[0] != '!' {
		return nil, m, Header{}, fmt.Errorf("plaintext does not start with '!': %w", ErrWrongKey)
	}
	plain = bytes.TrimLeft(plain, "!")

	f := inflaters.Get().(*inflater)
	defer inflaters.Put(f)
	block, err := f.inflate(plain)
	if err != nil {
		return nil, m, Header{}, fmt.Errorf("inflate: %v: %w", err, ErrWrongKey)
	}
	if len(block) < headerLen {
		return nil, m, Header{}, fmt.Errorf("inflated block of %d bytes: %w", len(block), ErrWrongKey)
	}
	if !checksumMatches(block[:checksumLen], block[checksumLen:]) {
		return nil, m, Header{}, ErrChecksum
	}
	h, text, err := parseHeader(block[checksumLen:])
	if err != nil {
		return nil, m, Header{}, err
	}
	return bytes.Clone(text), m, h, nil
}

// decrypt copies body into s and decrypts it there, stripping PKCS#7 for AES.
func (c *Cipher) decrypt(s *scratch, m Method, body []byte) ([]byte, error) {
	bs := 16
	if m == Blowfish {
		bs = 8
	}
	if len(body) == 0 || len(body)%bs != 0 {
		return nil, fmt.Errorf("%s ciphertext of %d bytes: %w", m, len(body), ErrWrongKey)
	}
	s.buf = append(s.buf[:0], body...)
	buf := s.buf
	if m == Blowfish {
		_, dec := c.blowfishModes()
		dec.crypt(buf)
		return buf, nil
	}
	_, dec := c.aesModes()
	dec.crypt(buf)
	pad := int(buf[len(buf)-1])
	if pad == 0 || pad > bs {
		return nil, fmt.Errorf("aes padding: %w", ErrWrongKey)
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("aes padding: %w", ErrWrongKey)
		}
	}
	return buf[:len(buf)-pad], nil
}

func checksumMatches(want, data []byte) bool {
	sum := md5.Sum(data)
	var got [checksumLen]byte
	hex.Encode(got[:], sum[:])
	return bytes.Equal(got[:], want)
}

// parseHeader reads rand5 ‖ global10 ":" local4 ":" like ReadSecMSG: the
// random part is skipped unchecked and the counters are read as atoi would
// read them within their fixed widths.
func parseHeader(b []byte) (Header, []byte, error) {
	var h Header
	h.Random = uint16(atoi(b[:randomLen]))
	b = b[randomLen:]
	h.Global = uint32(atoi(b[:globalLen]))
	b = b[globalLen:]
	if b[0] != ':' {
		return Header{}, nil, fmt.Errorf("no ':' after the global counter: %w", ErrFormat)
	}
	b = b[1:]
	h.Local = uint32(atoi(b[:localLen]))
	b = b[localLen:]
	if b[0] != ':' {
		return Header{}, nil, fmt.Errorf("no ':' after the local counter: %w", ErrFormat)
	}
	return h, b[1:], nil
}

// atoi returns the value of the leading decimal digits of b (0 when none).
func atoi(b []byte) uint64 {
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			break
		}
		v = v*10 + uint64(ch-'0')
	}
	return v
}

// Seal builds a secure payload (method prefix included, no "!id!") for msg
// with the next values of ctr and a random 5-digit value, appended to dst.
func (c *Cipher) Seal(dst []byte, m Method, ctr *Counter, msg []byte) ([]byte, error) {
	if err := checkPayload(msg); err != nil {
		return dst, err
	}
	g, l := ctr.Next()
	return c.SealWithHeader(dst, m, Header{Random: uint16(rand.Uint32()), Global: g, Local: l}, msg)
}

func checkPayload(msg []byte) error {
	if len(msg) == 0 {
		return ErrEmptyMessage
	}
	if len(msg) > MaxPayload {
		return fmt.Errorf("%d bytes: %w", len(msg), ErrMessageTooBig)
	}
	return nil
}

// SealWithHeader is Seal with a fixed header. h.Local must fit in four digits.
func (c *Cipher) SealWithHeader(dst []byte, m Method, h Header, msg []byte) ([]byte, error) {
	if err := checkPayload(msg); err != nil {
		return dst, err
	}
	if h.Local > 9999 {
		return dst, fmt.Errorf("local counter %d does not fit in 4 digits: %w", h.Local, ErrFormat)
	}
	if m != AES && m != Blowfish {
		return dst, fmt.Errorf("method %d: %w", m, ErrUnknownMethod)
	}

	s := scratches.Get().(*scratch)
	defer scratches.Put(s)
	block := appendBlock(s.buf[:0], h, msg)
	s.buf = block

	d := deflaters.Get().(*deflater)
	defer deflaters.Put(d)
	z, err := d.compress(block)
	if err != nil {
		return dst, err
	}

	// '!' padding makes bangs+zlib a multiple of 8 (at least one '!', which
	// the receiver requires as the compressed-layout marker).
	bangs := 1 + (8-(len(z)+1)%8)%8
	dst = append(dst, m.prefix()...)
	start := len(dst)
	for range bangs {
		dst = append(dst, '!')
	}
	dst = append(dst, z...)
	if m == Blowfish {
		enc, _ := c.blowfishModes()
		enc.crypt(dst[start:])
		return dst, nil
	}
	pad := 16 - (len(dst)-start)%16
	for range pad {
		dst = append(dst, byte(pad))
	}
	enc, _ := c.aesModes()
	enc.crypt(dst[start:])
	return dst, nil
}

// appendBlock appends md5hex(inner) ‖ inner, inner = rand5 ‖ global10 ":" local4 ":" msg.
func appendBlock(dst []byte, h Header, msg []byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, checksumLen)...)
	dst = appendPadded(dst, uint64(h.Random), randomLen)
	dst = appendPadded(dst, uint64(h.Global), globalLen)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(h.Local), localLen)
	dst = append(dst, ':')
	dst = append(dst, msg...)
	sum := md5.Sum(dst[start+checksumLen:])
	hex.Encode(dst[start:start+checksumLen], sum[:])
	return dst
}

// appendPadded appends v in decimal, zero-padded to width digits (%0*u).
func appendPadded(dst []byte, v uint64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v > 0 || i == len(tmp) {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	for n := len(tmp) - i; n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, tmp[i:]...)
}

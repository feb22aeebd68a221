package integrity

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// PackageFormat is how a package's members are laid out and compressed.
type PackageFormat int

const (
	// FormatWazuh is §5.3: separators and zlib bodies, the only format a Wazuh node reads.
	FormatWazuh PackageFormat = iota
	// FormatZstd is clusterd's own, used only toward a worker that announced it
	// (CapPackageZstd): the magic line, then for each member the uvarint length of its name,
	// the name, the uvarint length of its body and the body, one zstd frame; the metadata
	// member last. Lengths instead of separators, so no body ever needs recompressing, and
	// zstd compresses text several times faster than zlib and inflates faster still.
	FormatZstd
)

// CapPackageZstd is the capability a clusterd worker announces when it reads FormatZstd.
const CapPackageZstd = "pkg-zstd1"

// zstdMagic opens a FormatZstd package. A Wazuh package opens with a relative path, which
// never holds a NUL.
const zstdMagic = "\x00clusterd-pkg-zstd1\n"

// Bounds a FormatZstd reader enforces before reading a member.
const maxZstdWindow = 8 << 20

var errZstdHeader = errors.New("malformed member header")

// zstdEncoders recycles the encoders of the package writers: the fastest level, one goroutine
// each (files are compressed in parallel instead).
var zstdEncoders = sync.Pool{New: func() any {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(maxZstdWindow/2))
	return enc
}}

// newZstdDecoder returns a synchronous decoder whose window, and so its memory, is bounded
// whatever the frame header claims.
func newZstdDecoder() (*zstd.Decoder, error) {
	return zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow),
		zstd.WithDecoderLowmem(true))
}

// appendMemberHeader appends a FormatZstd member header.
func appendMemberHeader(b []byte, name string, bodyLen int64) []byte {
	b = binary.AppendUvarint(b, uint64(len(name)))
	b = append(b, name...)
	return binary.AppendUvarint(b, uint64(bodyLen))
}

// memberHeaderLen is the size of a FormatZstd member header.
func memberHeaderLen(name string, bodyLen int64) int64 {
	var tmp [2 * binary.MaxVarintLen64]byte
	return int64(len(name)) + int64(len(binary.AppendUvarint(tmp[:0], uint64(len(name))))) +
		int64(len(binary.AppendUvarint(tmp[:0], uint64(bodyLen))))
}

// framedBody is one member's body in a FormatZstd package: exactly n bytes of the package.
type framedBody struct {
	r *bufio.Reader
	n int64
}

func (b *framedBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF && b.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *framedBody) ReadByte() (byte, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	c, err := b.r.ReadByte()
	if err == nil {
		b.n--
	} else if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return c, err
}

// scanFramed calls visit for each member of a FormatZstd package read from br (the magic
// already consumed), and checks that visit read each body to its end.
func scanFramed(br *bufio.Reader, visit func(name string, body byteSource) error) error {
	for {
		nameLen, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return nil
		}
		if err != nil || nameLen == 0 || nameLen > maxPathLen {
			return fmt.Errorf("%w: %w (name length %d, %v)", ErrCorruptMember, errZstdHeader, nameLen, err)
		}
		name := make([]byte, nameLen)
		if _, err := io.ReadFull(br, name); err != nil {
			return fmt.Errorf("%w: %w: %w", ErrCorruptMember, errZstdHeader, err)
		}
		bodyLen, err := binary.ReadUvarint(br)
		if err != nil || bodyLen > 1<<62 {
			return fmt.Errorf("%w: %w: %s body length", ErrCorruptMember, errZstdHeader, quotePath(string(name)))
		}
		body := &framedBody{r: br, n: int64(bodyLen)}
		if err := visit(string(name), body); err != nil {
			return err
		}
		if body.n != 0 {
			return fmt.Errorf("%w: %s: data after the end of the zstd frame", ErrCorruptMember, quotePath(string(name)))
		}
	}
}

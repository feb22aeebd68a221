package integrity

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// scanBufferSize is the read size of the package scanner; it must hold a whole member name and
// the separators around it.
const scanBufferSize = 1 << 20

// maxEmptyReads is how many reads returning nothing the scanner tolerates, as bufio does.
const maxEmptyReads = 100

// packageScanner splits a package into members as Wazuh's decompress_files does (split the
// whole package on the entry separator, then each piece once on the path separator), streaming:
// it holds one buffer, and separators may straddle reads. Between next() calls the current
// member's body is read through Read/ReadByte; ReadByte lets a zlib reader stop exactly at the
// end of its stream, so that bytes after it can be detected.
type packageScanner struct {
	r     io.Reader
	buf   []byte
	start int  // first unread byte of buf
	end   int  // end of the bytes read into buf
	eof   bool // r is exhausted

	body    int  // bytes at buf[start:] known to belong to the current body
	ended   bool // the current body ends after those body bytes
	sepNext bool // an entry separator follows the current body (else the package ends)
	members int
}

// scanBuffers recycles scanner buffers between packages.
var scanBuffers = sync.Pool{New: func() any { return new([scanBufferSize]byte) }}

func newPackageScanner(r io.Reader) *packageScanner {
	return &packageScanner{r: r, buf: scanBuffers.Get().(*[scanBufferSize]byte)[:]}
}

// release gives the buffer back; the scanner is unusable afterwards.
func (s *packageScanner) release() {
	scanBuffers.Put((*[scanBufferSize]byte)(s.buf))
	s.buf = nil
}

// next moves to the next member and returns its name; done is true at the end of the package.
// The previous body must have been read to its end.
func (s *packageScanner) next() (name string, done bool, err error) {
	if s.members > 0 {
		if s.body > 0 || !s.ended {
			return "", false, fmt.Errorf("%w: member body not fully read", ErrMalformedPackage)
		}
		if !s.sepNext {
			return "", true, nil
		}
		s.start += len(entrySeparator)
	}
	s.members++
	for {
		data := s.buf[s.start:s.end]
		i := bytes.Index(data, []byte(pathSeparator))
		if i < 0 {
			if len(data) > maxPathLen+len(pathSeparator) {
				return "", false, fmt.Errorf("%w: member %d has no path separator in its first %d bytes", ErrMalformedPackage, s.members, maxPathLen)
			}
			if s.eof {
				return "", false, s.truncatedMember()
			}
			if err := s.fill(); err != nil {
				return "", false, err
			}
			continue
		}
		if i > maxPathLen {
			return "", false, fmt.Errorf("%w: member %d has a %d-byte name", ErrMalformedPackage, s.members, i)
		}
		// The piece Wazuh splits ends at the first entry separator: it must not start before
		// the end of the path separator (it may straddle it).
		lookahead := i + len(pathSeparator) + len(entrySeparator) - 1
		if len(data) < lookahead && !s.eof {
			if err := s.fill(); err != nil {
				return "", false, err
			}
			continue
		}
		if j := bytes.Index(data[:min(len(data), lookahead)], []byte(entrySeparator)); j >= 0 && j < i+len(pathSeparator) {
			return "", false, fmt.Errorf("%w: member %d has no path separator before the entry separator", ErrMalformedPackage, s.members)
		}
		name = string(data[:i])
		s.start += i + len(pathSeparator)
		s.body, s.ended, s.sepNext = 0, false, false
		return name, false, nil
	}
}

func (s *packageScanner) truncatedMember() error {
	if s.members == 1 && s.start == s.end {
		return fmt.Errorf("%w: empty package", ErrMalformedPackage)
	}
	if s.start == s.end {
		return fmt.Errorf("%w: package ends with an entry separator", ErrMalformedPackage)
	}
	return fmt.Errorf("%w: member %d has no path separator", ErrMalformedPackage, s.members)
}

// fill moves the unread bytes to the front of the buffer and reads more.
func (s *packageScanner) fill() error {
	if s.start > 0 {
		s.end = copy(s.buf, s.buf[s.start:s.end])
		s.start = 0
	}
	for range maxEmptyReads {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("read package: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
	return fmt.Errorf("read package: %w", io.ErrNoProgress)
}

// locate finds how many of the buffered bytes belong to the current body.
func (s *packageScanner) locate() error {
	for s.body == 0 && !s.ended {
		data := s.buf[s.start:s.end]
		if i := bytes.Index(data, []byte(entrySeparator)); i >= 0 {
			s.body, s.ended, s.sepNext = i, true, true
			return nil
		}
		if s.eof {
			s.body, s.ended = len(data), true
			return nil
		}
		// The last bytes may be the beginning of a separator: keep them until more is read.
		if keep := len(entrySeparator) - 1; len(data) > keep {
			s.body = len(data) - keep
			return nil
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
	return nil
}

// Read reads the current member's body.
func (s *packageScanner) Read(p []byte) (int, error) {
	if err := s.locate(); err != nil {
		return 0, err
	}
	if s.body == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf[s.start:s.start+min(len(p), s.body)])
	s.start += n
	s.body -= n
	return n, nil
}

// ReadByte reads one byte of the current member's body.
func (s *packageScanner) ReadByte() (byte, error) {
	if s.body == 0 {
		if err := s.locate(); err != nil {
			return 0, err
		}
		if s.body == 0 {
			return 0, io.EOF
		}
	}
	b := s.buf[s.start]
	s.start++
	s.body--
	return b, nil
}

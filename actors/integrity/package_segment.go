package integrity

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// spillThreshold is how much of one compressed file a segment keeps in memory before it moves
// to a temporary file: the writer holds a few segments at once, never a whole big file.
const spillThreshold = 4 << 20

// segmentBuffers recycles the memory of segments.
var segmentBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// errOverBudget stops compressing a file as soon as it cannot fit in what is left of the
// package limit.
var errOverBudget = errors.New("compressed entry over the remaining package budget")

// segment holds one compressed file body until it is written, in memory up to spillThreshold
// and in a temporary file beyond.
type segment struct {
	mem    []byte // from segmentBuffers once written to
	pooled *[]byte
	file   *os.File
	size   int64
	budget int64 // refuse to grow past this many bytes; <= 0 means no bound
	dir    string
}

func (s *segment) Write(p []byte) (int, error) {
	if s.budget > 0 && s.size+int64(len(p)) > s.budget {
		return 0, errOverBudget
	}
	if s.file == nil && len(s.mem)+len(p) <= spillThreshold {
		if s.pooled == nil {
			s.pooled = segmentBuffers.Get().(*[]byte)
			s.mem = (*s.pooled)[:0]
		}
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	if s.file == nil {
		if err := s.spill(); err != nil {
			return 0, err
		}
	}
	n, err := s.file.Write(p)
	s.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("%w: spill file: %w", ErrPackageWrite, err)
	}
	return n, nil
}

func (s *segment) spill() error {
	f, err := os.CreateTemp(s.dir, ".clusterd-segment-*.tmp")
	if err != nil {
		return fmt.Errorf("%w: create spill file: %w", ErrPackageWrite, err)
	}
	// Unlinked at once: the data lives as long as the descriptor, and a crash leaves nothing.
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return fmt.Errorf("%w: unlink spill file: %w", ErrPackageWrite, err)
	}
	if _, err := f.Write(s.mem); err != nil {
		_ = f.Close()
		return fmt.Errorf("%w: spill file: %w", ErrPackageWrite, err)
	}
	s.file, s.mem = f, s.mem[:0]
	return nil
}

// WriteTo copies the body to w.
func (s *segment) WriteTo(w io.Writer) (int64, error) {
	if s.file == nil {
		n, err := w.Write(s.mem)
		return int64(n), err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("rewind spill file: %w", err)
	}
	return io.Copy(w, io.LimitReader(s.file, s.size))
}

// reset empties the segment for another try.
func (s *segment) reset() {
	s.release()
	s.size = 0
}

// release closes the spill file, if any, and gives the memory back.
func (s *segment) release() {
	if s.file != nil {
		_ = s.file.Close()
		s.file = nil
	}
	if s.pooled != nil {
		*s.pooled = s.mem[:0]
		segmentBuffers.Put(s.pooled)
		s.pooled = nil
	}
	s.mem = nil
}

// separatorGuard passes bytes through while watching for the entry separator in an entry's
// stream "<path>|//@@//|<body>": the first entry separator after the path must be the one the
// writer appends, or Wazuh's reader would cut the entry short.
type separatorGuard struct {
	w     io.Writer
	tail  []byte // the last len(entrySeparator)-1 bytes seen
	found bool
}

func newSeparatorGuard(w io.Writer, head string) *separatorGuard {
	g := &separatorGuard{w: w, tail: make([]byte, 0, 2*len(entrySeparator))}
	g.observe([]byte(head))
	return g
}

func (g *separatorGuard) Write(p []byte) (int, error) {
	g.observe(p)
	return g.w.Write(p)
}

// observe looks for a separator inside p or straddling the previous bytes and p.
func (g *separatorGuard) observe(p []byte) {
	if g.found {
		return
	}
	keep := len(entrySeparator) - 1
	window := append(g.tail, p[:min(len(p), keep)]...)
	if bytes.Contains(window, []byte(entrySeparator)) || bytes.Contains(p, []byte(entrySeparator)) {
		g.found = true
		return
	}
	if len(p) >= keep {
		g.tail = append(g.tail[:0], p[len(p)-keep:]...)
	} else {
		g.tail = append(g.tail[:0], window[max(0, len(window)-keep):]...)
	}
}

// clean reports whether the entry, closed by the separator the writer appends, contains no
// earlier separator.
func (g *separatorGuard) clean() bool {
	if g.found {
		return false
	}
	end := append(append([]byte(nil), g.tail...), entrySeparator...)
	return bytes.Index(end, []byte(entrySeparator)) == len(g.tail)
}

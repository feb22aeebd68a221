package actors

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// The pipe between builder and sender delivers every byte in order, whatever the write sizes.
func TestPackagePipeCarriesBytes(t *testing.T) {
	want := make([]byte, 3*pipeChunk+12345)
	for i := range want {
		want[i] = byte(i * 7)
	}
	p := newPackagePipe()
	go func() {
		rest := want
		for i := 1; len(rest) > 0; i++ {
			n := min(len(rest), i*40000)
			if _, err := p.Write(rest[:n]); err != nil {
				p.closeWrite(err)
				return
			}
			rest = rest[n:]
		}
		p.closeWrite(nil)
	}()
	got, err := io.ReadAll(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (%v), want %d identical bytes", len(got), err, len(want))
	}
}

// A failed build reaches the reader as an error, never as the end of a whole package.
func TestPackagePipeBuildFailure(t *testing.T) {
	p := newPackagePipe()
	boom := errors.New("disk on fire")
	go func() {
		_, _ = p.Write([]byte("partial"))
		p.closeWrite(boom)
	}()
	got, err := io.ReadAll(p)
	if !errors.Is(err, boom) || string(got) != "partial" {
		t.Fatalf("read %q, %v; want the partial bytes then %v", got, err, boom)
	}
}

// A sender that gives up unblocks the builder.
func TestPackagePipeReaderGivesUp(t *testing.T) {
	p := newPackagePipe()
	stop := errors.New("peer gone")
	done := make(chan error, 1)
	go func() {
		big := make([]byte, (pipeDepth+4)*pipeChunk)
		_, err := p.Write(big)
		done <- err
	}()
	p.closeRead(stop)
	if err := <-done; !errors.Is(err, stop) {
		t.Fatalf("write after the reader gave up: %v", err)
	}
}

package pyframework

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"
)

func frameBytes(id uint64, kind byte, payload []byte) []byte {
	var b bytes.Buffer
	if err := writeFrame(&b, id, kind, payload); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func TestFramesRoundTrip(t *testing.T) {
	var stream bytes.Buffer
	stream.Write(frameBytes(7, kindResult, []byte(`{"a": 1}`)))
	stream.Write(frameBytes(8, kindFailed, nil))
	big := bytes.Repeat([]byte("x"), 3*readChunk+5)
	stream.Write(frameBytes(9, kindResult, big))
	r := newFrameReader(&stream, 4*readChunk)
	for _, want := range []struct {
		id      uint64
		kind    byte
		payload []byte
	}{{7, kindResult, []byte(`{"a": 1}`)}, {8, kindFailed, []byte{}}, {9, kindResult, big}} {
		id, kind, payload, err := r.next()
		if err != nil || id != want.id || kind != want.kind || !bytes.Equal(payload, want.payload) {
			t.Fatalf("frame %d: %d %q %d bytes, %v", want.id, id, kind, len(payload), err)
		}
	}
	if _, _, _, err := r.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last frame: %v", err)
	}
}

func TestFrameReaderRefusesWhatBreaksTheProtocol(t *testing.T) {
	huge := make([]byte, 4)
	binary.BigEndian.PutUint32(huge, 0xFFFFFFF0)
	tiny := make([]byte, 4)
	binary.BigEndian.PutUint32(tiny, 3)
	whole := frameBytes(1, kindResult, []byte("0123456789"))
	for name, stream := range map[string][]byte{
		"a length over the bound":     huge,
		"a length below the call id":  append(tiny, 1, 2, 3),
		"a length cut short":          whole[:2],
		"a call id cut short":         whole[:8],
		"a payload cut short":         whole[:len(whole)-1],
		"a huge length, then nothing": append(huge, whole...),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := newFrameReader(bytes.NewReader(stream), 1<<20).next()
			if !errors.Is(err, errFrame) {
				t.Fatalf("next: %v", err)
			}
		})
	}
}

// A payload's buffer follows what arrives, not what the length announces.
func TestFrameReaderAllocatesWhatArrives(t *testing.T) {
	head := make([]byte, lengthSize+callSize)
	binary.BigEndian.PutUint32(head, uint32(callSize+200<<20))
	stream := io.MultiReader(bytes.NewReader(head), bytes.NewReader(make([]byte, 1000)))
	var before, after runtimeMem
	before.read()
	_, _, _, err := newFrameReader(stream, 256<<20).next()
	after.read()
	if !errors.Is(err, errFrame) {
		t.Fatalf("next: %v", err)
	}
	if grew := after.total - before.total; grew > 4<<20 {
		t.Fatalf("%d bytes allocated for 1,000 bytes received", grew)
	}
}

func FuzzFrameReader(f *testing.F) {
	f.Add(frameBytes(1, kindResult, []byte(`{}`)))
	f.Add(append(frameBytes(0, kindReady, []byte(`{}`)), frameBytes(2, kindFailed, []byte("x"))...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newFrameReader(bytes.NewReader(data), 1<<16)
		for {
			_, _, payload, err := r.next()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, errFrame) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(payload) > 1<<16 {
				t.Fatalf("a payload of %d bytes passed the bound", len(payload))
			}
		}
	})
}

// runtimeMem reads the bytes the runtime allocated so far.
type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

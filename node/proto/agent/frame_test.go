package agentproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"testing/iotest"
)

// All vectors' TCP frames, concatenated and read one byte at a time, parse
// back into their payloads.
func TestFrameReaderVectors(t *testing.T) {
	f := loadVectors(t)
	var stream []byte
	for _, v := range f.Vectors {
		frame := mustHex(t, v.TCPFrameHex)
		payload := mustHex(t, v.PayloadHex)
		if built := AppendFrame(nil, payload); !bytes.Equal(built, frame) {
			t.Fatalf("%s: AppendFrame differs from tcp_frame_hex", v.Name)
		}
		stream = append(stream, frame...)
	}
	fr := NewFrameReader(iotest.OneByteReader(bytes.NewReader(stream)))
	for _, v := range f.Vectors {
		got, err := fr.Next()
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if !bytes.Equal(got, mustHex(t, v.PayloadHex)) {
			t.Fatalf("%s: payload mismatch", v.Name)
		}
	}
	if _, err := fr.Next(); err != io.EOF {
		t.Fatalf("after last frame err = %v, want io.EOF", err)
	}
}

func TestFrameReaderErrors(t *testing.T) {
	tooBig := binary.LittleEndian.AppendUint32(nil, MaxMessage+1)
	if _, err := NewFrameReader(bytes.NewReader(tooBig)).Next(); !errors.Is(err, ErrFrameTooBig) {
		t.Errorf("too big: %v", err)
	}
	maxFrame := AppendFrame(nil, make([]byte, MaxMessage))
	if got, err := NewFrameReader(bytes.NewReader(maxFrame)).Next(); err != nil || len(got) != MaxMessage {
		t.Errorf("MaxMessage frame: %d bytes, %v", len(got), err)
	}
	if _, err := NewFrameReader(bytes.NewReader([]byte{5, 0})).Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short header: %v", err)
	}
	if _, err := NewFrameReader(bytes.NewReader([]byte{5, 0, 0, 0, 'a'})).Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short payload: %v", err)
	}
	if got, err := NewFrameReader(bytes.NewReader([]byte{0, 0, 0, 0})).Next(); err != nil || len(got) != 0 {
		t.Errorf("empty frame: %q %v", got, err)
	}
}

// Frames over a real TCP connection, in both directions, sealed and opened.
func TestFramesOverTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := mustCipher(t, Key{ID: "001", Name: "vec-agent", IP: "any", Raw: "k"})

	done := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		fr := NewFrameReader(conn)
		mgr := NewCounter(0, 0)
		for {
			p, err := fr.Next()
			if err == io.EOF {
				done <- nil
				return
			}
			if err != nil {
				done <- err
				return
			}
			_, rest, _ := SplitID(p)
			msg, m, _, err := c.Open(rest)
			if err != nil {
				done <- err
				return
			}
			if !IsControl(msg) {
				continue
			}
			reply, err := c.Seal(nil, m, mgr, []byte(AckMessage))
			if err != nil {
				done <- err
				return
			}
			if _, err := conn.Write(AppendFrame(nil, reply)); err != nil {
				done <- err
				return
			}
		}
	}()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	agent := NewCounter(7, 41)
	fr := NewFrameReader(conn)
	for i, msg := range [][]byte{StartupMessage("v4.14.7"), []byte("1:wazuh-agent:ossec: x"), EncodeKeepalive("Linux", "Wazuh v4.14.7", "", nil, "", "")} {
		p := AppendID(nil, "001")
		p, err = c.Seal(p, Method(i%2), agent, msg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(AppendFrame(nil, p)); err != nil {
			t.Fatal(err)
		}
		if !IsControl(msg) {
			continue
		}
		reply, err := fr.Next()
		if err != nil {
			t.Fatal(err)
		}
		got, m, _, err := c.Open(reply)
		if err != nil || !IsAck(got) || m != Method(i%2) {
			t.Fatalf("reply %d: %q %v %v", i, got, m, err)
		}
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

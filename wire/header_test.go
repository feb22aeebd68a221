package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncodeCommandFieldPadsLikeMsgBuild(t *testing.T) {
	cases := map[string]string{
		"hello":       "hello ------",
		"ok":          "ok ---------",
		"err":         "err --------",
		"echo-c":      "echo-c -----",
		"dapi_res":    "dapi_res ---",
		"sendsync":    "sendsync ---",
		"syn_i_w_m_p": "syn_i_w_m_p ",
		"ok ":         "ok  --------",
		"ok-m ":       "ok-m  ------",
		"":            " -----------",
	}
	for name, want := range cases {
		got, err := EncodeCommandField(name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if string(got[:]) != want {
			t.Errorf("%q: got %q, want %q", name, got, want)
		}
	}
}

func TestEncodeCommandFieldRefusesLongNames(t *testing.T) {
	_, err := EncodeCommandField("syn_i_w_m_pp")
	if !errors.Is(err, ErrCommandTooLong) || Code(err) != 3024 {
		t.Fatalf("got %v (code %d), want ErrCommandTooLong/3024", err, Code(err))
	}
}

func TestParseHeaderFollowsReceiverRule(t *testing.T) {
	cases := []struct {
		field   string
		command string
		divided bool
	}{
		{"ok ---------", "ok", false},
		{"ok  --------", "ok", false},
		{"ok-m  ------", "ok-m", false},
		{"syn_i_w_m_p ", "syn_i_w_m_p", false},
		{"syn_i_w_m_pd", "syn_i_w_m_p", true},
		{"syn_i_w_m_p-", "syn_i_w_m_p", false},
		{"echo ------d", "echo", true},
		{"abcdefghijkl", "abcdefghijk", false},
		{" ----------d", "", true},
	}
	for _, c := range cases {
		raw := append([]byte{1, 2, 3, 4, 0, 0, 1, 0}, c.field...)
		h, err := ParseHeader(raw)
		if err != nil {
			t.Fatalf("%q: %v", c.field, err)
		}
		want := Header{Counter: 0x01020304, Size: 256, Command: c.command, Divided: c.divided}
		if h != want {
			t.Errorf("%q: got %+v, want %+v", c.field, h, want)
		}
	}
}

func TestParseHeaderRefusesShortInput(t *testing.T) {
	for n := range HeaderLen {
		if _, err := ParseHeader(make([]byte, n)); !errors.Is(err, ErrBadHeader) {
			t.Fatalf("%d bytes: got %v, want ErrBadHeader", n, err)
		}
	}
}

func TestHeaderPutRoundTrips(t *testing.T) {
	for _, h := range []Header{
		{Counter: 0xffffffff, Size: MaxTotalSize, Command: "syn_i_w_m_p", Divided: true},
		{Counter: 0, Size: 0, Command: "ok", Divided: false},
		{Counter: 7, Size: 10, Command: "get_nodes"},
	} {
		var b [HeaderLen]byte
		h.Put(b[:])
		got, err := ParseHeader(b[:])
		if err != nil || got != h {
			t.Fatalf("%+v: parsed back as %+v (%v)", h, got, err)
		}
	}
}

func TestHeaderPutMatchesSpecVector(t *testing.T) {
	var b [HeaderLen]byte
	Header{Counter: 7, Size: 80, Command: "sendsync"}.Put(b[:])
	want := mustDecodeHex(t, "000000070000005073656e6473796e63202d2d2d")
	if !bytes.Equal(b[:], want) {
		t.Fatalf("got %x, want %x", b, want)
	}
}

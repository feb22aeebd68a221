package wire

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

const vectorDir = "../testdata/vectors"

// vectorKey is the cluster key every recorded vector was produced with.
const vectorKey = "c98b62a9b6169ac5f67dae55ae4a9088"

type deterministicVectors struct {
	Key       string              `json:"key"`
	IVHex     string              `json:"fernet_iv_hex"`
	Time      int64               `json:"fernet_time"`
	Cases     []deterministicCase `json:"cases"`
	ivBytes   []byte
	cipherFor *Cipher
}

type deterministicCase struct {
	Name         string   `json:"name"`
	CommandArg   string   `json:"command_arg"`
	Counter      uint32   `json:"counter"`
	Encrypted    bool     `json:"encrypted"`
	RequestChunk int      `json:"request_chunk"`
	PlaintextHex string   `json:"plaintext_hex"`
	FramesHex    []string `json:"frames_hex"`
	Parsed       []struct {
		Command    string `json:"command"`
		Counter    uint32 `json:"counter"`
		PayloadHex string `json:"payload_hex"`
	} `json:"parsed_by_real_handler"`
}

// capturedFrame is one line of live_capture_sample.jsonl or live_hello_rejections.jsonl.
type capturedFrame struct {
	Dir          string  `json:"dir"`
	Kind         string  `json:"kind"`
	Counter      uint32  `json:"counter"`
	Size         uint32  `json:"size"`
	Cmd          string  `json:"cmd"`
	CmdField     string  `json:"cmd_field"`
	FrameHex     string  `json:"frame_hex"`
	Plaintext    *string `json:"plaintext"`
	PlaintextB64 *string `json:"plaintext_b64"`
}

// bigFrameHeader is one line of big_frames_headers.jsonl.
type bigFrameHeader struct {
	Counter   uint32 `json:"counter"`
	Size      uint32 `json:"size"`
	Cmd       string `json:"cmd"`
	CmdField  string `json:"cmd_field"`
	Divided   bool   `json:"divided"`
	HeaderHex string `json:"header_hex"`
}

func loadDeterministicVectors(t testing.TB) deterministicVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorDir, "frames_deterministic.json"))
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	var v deterministicVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decoding frames_deterministic.json: %v", err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("frames_deterministic.json has no cases")
	}
	v.ivBytes = mustDecodeHex(t, v.IVHex)
	v.cipherFor, err = NewCipher(v.Key)
	if err != nil {
		t.Fatalf("NewCipher(%q): %v", v.Key, err)
	}
	return v
}

func loadJSONLines[T any](t testing.TB, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatalf("opening %s: %v", name, err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rec T
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s line %d: %v", name, len(out)+1, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s is empty", name)
	}
	return out
}

func mustDecodeHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %.40q: %v", s, err)
	}
	return b
}

// frames returns the recorded frames of a case concatenated, as they travel on the wire.
func (c deterministicCase) stream(t testing.TB) []byte {
	var out []byte
	for _, fh := range c.FramesHex {
		out = append(out, mustDecodeHex(t, fh)...)
	}
	return out
}

func (v deterministicVectors) cipherOf(c deterministicCase) *Cipher {
	if c.Encrypted {
		return v.cipherFor
	}
	return nil
}

func TestDeterministicFramesEncodeByteForByte(t *testing.T) {
	v := loadDeterministicVectors(t)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			f := messages.Frame{Counter: c.Counter, Command: c.CommandArg, Payload: mustDecodeHex(t, c.PlaintextHex)}
			got, err := appendMessage(nil, sealing{fernet: v.cipherOf(c)}, f, c.RequestChunk, v.Time, v.ivBytes)
			if err != nil {
				t.Fatalf("encoding: %v", err)
			}
			want := c.stream(t)
			if !bytes.Equal(got, want) {
				t.Fatalf("frames differ\n got %x\nwant %x", got, want)
			}
		})
	}
}

func TestDeterministicTokensMatchEncryptAt(t *testing.T) {
	v := loadDeterministicVectors(t)
	for _, c := range v.Cases {
		if !c.Encrypted || len(c.FramesHex) != 1 {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			frame := mustDecodeHex(t, c.FramesHex[0])
			token := v.cipherFor.EncryptAt(mustDecodeHex(t, c.PlaintextHex), v.ivBytes, v.Time)
			if !bytes.Equal(token, frame[HeaderLen:]) {
				t.Fatalf("token differs\n got %s\nwant %s", token, frame[HeaderLen:])
			}
		})
	}
}

func TestDeterministicFramesDecodeAsRealHandler(t *testing.T) {
	v := loadDeterministicVectors(t)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(c.stream(t)), v.cipherOf(c), ReaderLimits{})
			for i, want := range c.Parsed {
				got, err := r.ReadFrame()
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if got.Command != want.Command || got.Counter != want.Counter {
					t.Fatalf("message %d: got %q/%d, want %q/%d", i, got.Command, got.Counter, want.Command, want.Counter)
				}
				if payload := mustDecodeHex(t, want.PayloadHex); !bytes.Equal(got.Payload, payload) {
					t.Fatalf("message %d: payload %q, want %q", i, got.Payload, payload)
				}
			}
			if _, err := r.ReadFrame(); err != io.EOF {
				t.Fatalf("after the last message: %v, want io.EOF", err)
			}
		})
	}
}

func TestLiveFramesDecodeToRecordedPlaintext(t *testing.T) {
	c, err := NewCipher(vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"live_capture_sample.jsonl", "live_hello_rejections.jsonl"} {
		t.Run(file, func(t *testing.T) {
			for i, rec := range loadJSONLines[capturedFrame](t, file) {
				frame := mustDecodeHex(t, rec.FrameHex)
				h, err := ParseHeader(frame)
				if err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
				if h.Counter != rec.Counter || h.Size != rec.Size || h.Command != rec.Cmd || h.Divided {
					t.Fatalf("record %d: header %+v, want counter %d size %d cmd %q", i, h, rec.Counter, rec.Size, rec.Cmd)
				}
				if string(frame[8:HeaderLen]) != rec.CmdField {
					t.Fatalf("record %d: command field %q, want %q", i, frame[8:HeaderLen], rec.CmdField)
				}
				got, err := NewReader(bytes.NewReader(frame), c, ReaderLimits{}).ReadFrame()
				if err != nil {
					t.Fatalf("record %d (%s): %v", i, rec.Cmd, err)
				}
				if want := rec.plaintext(t); !bytes.Equal(got.Payload, want) {
					t.Fatalf("record %d (%s): payload %q, want %q", i, rec.Cmd, got.Payload, want)
				}
			}
		})
	}
}

func (rec capturedFrame) plaintext(t testing.TB) []byte {
	t.Helper()
	switch {
	case rec.Plaintext != nil:
		return []byte(*rec.Plaintext)
	case rec.PlaintextB64 != nil:
		b, err := base64.StdEncoding.DecodeString(*rec.PlaintextB64)
		if err != nil {
			t.Fatalf("bad plaintext_b64: %v", err)
		}
		return b
	}
	t.Fatal("record has neither plaintext nor plaintext_b64")
	return nil
}

func TestBigFrameHeadersParseAsRecorded(t *testing.T) {
	for i, rec := range loadJSONLines[bigFrameHeader](t, "big_frames_headers.jsonl") {
		raw := mustDecodeHex(t, rec.HeaderHex)
		h, err := ParseHeader(raw)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		want := Header{Counter: rec.Counter, Size: rec.Size, Command: rec.Cmd, Divided: rec.Divided}
		if h != want {
			t.Fatalf("record %d: %+v, want %+v", i, h, want)
		}
		if string(raw[8:]) != rec.CmdField {
			t.Fatalf("record %d: field %q, want %q", i, raw[8:], rec.CmdField)
		}
		var put [HeaderLen]byte
		h.Put(put[:])
		if !bytes.Equal(put[:], raw) {
			t.Fatalf("record %d: Put gives %x, want %x", i, put, raw)
		}
	}
}

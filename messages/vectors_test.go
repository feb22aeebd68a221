package messages

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const vectorsDir = "../testdata/vectors"

// errorPayloadCase is one entry of error_payloads.json.
type errorPayloadCase struct {
	Payload      string `json:"payload"`
	DecodedClass string `json:"decoded_class"`
	DecodedStr   string `json:"decoded_str"`
}

func loadErrorPayloads(t testing.TB) map[string]errorPayloadCase {
	t.Helper()
	var cases map[string]errorPayloadCase
	readJSONVector(t, "error_payloads.json", &cases)
	if len(cases) == 0 {
		t.Fatal("error_payloads.json holds no case")
	}
	return cases
}

// capturedFrame is one line of the live capture files.
type capturedFrame struct {
	Dir       string `json:"dir"`
	Kind      string `json:"kind"`
	Counter   uint32 `json:"counter"`
	Cmd       string `json:"cmd"`
	Plaintext string `json:"plaintext"`
	Case      string `json:"case"`
}

func loadCapture(t testing.TB, name string) []capturedFrame {
	t.Helper()
	f, err := os.Open(filepath.Join(vectorsDir, name))
	if err != nil {
		t.Fatalf("open vector: %v", err)
	}
	defer f.Close()
	var frames []capturedFrame
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var fr capturedFrame
		if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frames = append(frames, fr)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return frames
}

// capturedPayloads returns the plaintexts of the captured frames with the given command.
func capturedPayloads(t testing.TB, name, cmd string) []string {
	t.Helper()
	var out []string
	for _, fr := range loadCapture(t, name) {
		if fr.Cmd == cmd {
			out = append(out, fr.Plaintext)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no %q frame", name, cmd)
	}
	return out
}

func readJSONVector(t testing.TB, name string, into any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorsDir, name))
	if err != nil {
		t.Fatalf("read vector: %v", err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

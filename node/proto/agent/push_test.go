package agentproto

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// PushMessages reproduces the plaintexts of vectors 05–07.
func TestPushMessagesVectors(t *testing.T) {
	f := loadVectors(t)
	content, err := os.ReadFile(filepath.Join(vectorDir, "merged.mg"))
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(content)
	if hex.EncodeToString(sum[:]) != f.MergedMG.MD5 || len(content) != f.MergedMG.Size {
		t.Fatalf("merged.mg md5/size differ from vectors.json")
	}
	msgs := PushMessages(f.MergedMG.MD5, content)
	want := []string{f.vector(t, "05_").Plaintext, f.vector(t, "06_manager_file_chunk_00").Plaintext, f.vector(t, "06_manager_file_chunk_01").Plaintext, f.vector(t, "07_").Plaintext}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d", len(msgs), len(want))
	}
	for i := range want {
		if string(msgs[i]) != want[i] {
			t.Errorf("message %d = %q, want %q", i, msgs[i], want[i])
		}
	}
	md5hex, name, ok := ParseUpFile(msgs[0])
	if !ok || md5hex != f.MergedMG.MD5 || name != "merged.mg" {
		t.Errorf("ParseUpFile = %q %q %v", md5hex, name, ok)
	}
}

func TestPushMessagesChunking(t *testing.T) {
	if msgs := PushMessages("m", nil); len(msgs) != 2 || string(msgs[1]) != CloseFileMessage {
		t.Fatalf("empty content: %q", msgs)
	}
	content := bytes.Repeat([]byte("a"), 2*PushChunkSize+1)
	msgs := PushMessages("m", content)
	if len(msgs) != 5 || len(msgs[1]) != PushChunkSize || len(msgs[2]) != PushChunkSize || len(msgs[3]) != 1 {
		t.Fatalf("chunks: %d messages", len(msgs))
	}
	// Chunks cannot grow into their neighbours.
	msgs[1] = append(msgs[1], 'Z')
	if content[PushChunkSize] != 'a' {
		t.Fatal("appending to a chunk overwrote the next one")
	}
}

func TestParseUpFile(t *testing.T) {
	cases := []struct {
		msg, sum, name string
		ok             bool
	}{
		{"#!-up file abc merged.mg\n", "abc", "merged.mg", true},
		{"#!-up file abc merged.mg", "abc", "merged.mg", true},
		{"#!-up file abc my file\nrest", "abc", "my file", true},
		{"#!-up file abc\n", "", "", false},
		{"#!-up file  x\n", "", "", false},
		{"#!-close file ", "", "", false},
	}
	for _, tc := range cases {
		s, n, ok := ParseUpFile([]byte(tc.msg))
		if s != tc.sum || n != tc.name || ok != tc.ok {
			t.Errorf("ParseUpFile(%q) = %q %q %v", tc.msg, s, n, ok)
		}
	}
}

package integrity

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/blake2b"
)

func TestHashFileVector(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"hello\n": "f60ce482e5cc1229f39d71313171a8d9f4ca3a87d066bf4b205effb528192a75f14f3271e2c1a90e1de53f275b4d4793eef2f5e31ea90d2ce29d2e481c36435f",
		"":        "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
	}
	for content, want := range cases {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := HashFile(p)
		if err != nil {
			t.Fatalf("HashFile(%q): %v", content, err)
		}
		if got != want {
			t.Errorf("HashFile(%q) = %s, want %s", content, got, want)
		}
	}
}

// TestHashFileSpansBuffers hashes a file several read buffers long whose size is not a
// multiple of the buffer, and checks the result against a one-shot sum.
func TestHashFileSpansBuffers(t *testing.T) {
	data := make([]byte, 3*hashBufferSize+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	p := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := blake2b.Sum512(data)
	got, err := HashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("HashFile = %s, want %s", got, want)
	}
}

func TestHashFileRefusesLinksAndFolders(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, dir} {
		if _, err := HashFile(p); !errors.Is(err, ErrNotRegular) {
			t.Errorf("HashFile(%s) error = %v, want ErrNotRegular", p, err)
		}
	}
	if _, err := HashFile(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("HashFile(absent) error = %v, want not-exist", err)
	}
}

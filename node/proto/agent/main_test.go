package agentproto

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const vectorDir = "../../../testdata/vectors/agent"

type vectorFile struct {
	Agent struct {
		ID, Name, IP, Key string
	} `json:"agent"`
	EncryptionKey string `json:"encryption_key"`
	AESKeyASCII   string `json:"aes_key_ascii"`
	MergedMG      struct {
		File string `json:"file"`
		MD5  string `json:"md5"`
		Size int    `json:"size"`
	} `json:"merged_mg"`
	Vectors []secureVector `json:"vectors"`
}

type secureVector struct {
	Name        string `json:"name"`
	Direction   string `json:"direction"`
	Cipher      string `json:"cipher"`
	Plaintext   string `json:"plaintext"`
	InnerHeader struct {
		Random string `json:"random"`
		Global uint32 `json:"global_counter"`
		Local  uint32 `json:"local_counter"`
	} `json:"inner_header"`
	PaddingBangs   int    `json:"padding_bangs"`
	InnerPlaintext string `json:"inner_plaintext"`
	BangsZlibHex   string `json:"bangs_plus_zlib_hex"`
	PayloadHex     string `json:"payload_hex"`
	PayloadLen     int    `json:"payload_len"`
	TCPFrameHex    string `json:"tcp_frame_hex"`
	ClientKeysLine string `json:"client_keys_line"`
}

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("parse vectors.json: %v", err)
	}
	if len(v.Vectors) != 20 {
		t.Fatalf("vectors.json has %d vectors, want 20", len(v.Vectors))
	}
	return v
}

// key returns the client.keys entry a vector was made with.
func (v secureVector) key(t testing.TB, f vectorFile) Key {
	t.Helper()
	if v.ClientKeysLine == "" {
		return Key{ID: f.Agent.ID, Name: f.Agent.Name, IP: f.Agent.IP, Raw: f.Agent.Key}
	}
	fields := strings.Fields(v.ClientKeysLine)
	if len(fields) != 4 {
		t.Fatalf("%s: client_keys_line %q", v.Name, v.ClientKeysLine)
	}
	return Key{ID: fields[0], Name: fields[1], IP: fields[2], Raw: fields[3]}
}

func (v secureVector) header(t testing.TB) Header {
	t.Helper()
	r, err := strconv.ParseUint(v.InnerHeader.Random, 10, 16)
	if err != nil {
		t.Fatalf("%s: random %q: %v", v.Name, v.InnerHeader.Random, err)
	}
	return Header{Random: uint16(r), Global: v.InnerHeader.Global, Local: v.InnerHeader.Local}
}

func (v secureVector) method() Method {
	if v.Cipher == "blowfish" {
		return Blowfish
	}
	return AES
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustCipher(t testing.TB, k Key) *Cipher {
	t.Helper()
	c, err := NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vector returns the vector whose name starts with prefix.
func (f vectorFile) vector(t testing.TB, prefix string) secureVector {
	t.Helper()
	for _, v := range f.Vectors {
		if strings.HasPrefix(v.Name, prefix) {
			return v
		}
	}
	t.Fatalf("no vector %q", prefix)
	return secureVector{}
}

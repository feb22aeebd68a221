package integrity

import (
	"encoding/hex"
	"hash"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// hashBufferSize is the read size used for hashing: large enough that the read syscalls cost
// nothing next to BLAKE2b itself, small enough to stay in a core's L2 cache.
const hashBufferSize = 256 << 10

// fileHasher hashes files one after another with one BLAKE2b state and one read buffer, so a
// scan allocates nothing per hashed file but the hex digest.
type fileHasher struct {
	h   hash.Hash
	buf []byte
}

// hashers keeps fileHashers (and their 256 KiB buffers) across scans and HashFile calls.
var hashers = sync.Pool{New: func() any { return newFileHasher() }}

func newFileHasher() *fileHasher {
	h, err := blake2b.New512(nil)
	if err != nil {
		// New512 only fails for a key longer than 64 bytes; there is no key here.
		panic("integrity: blake2b.New512 without a key failed: " + err.Error())
	}
	return &fileHasher{h: h, buf: make([]byte, hashBufferSize)}
}

// digest returns the lowercase hex of the current state's 64-byte sum, as Python's
// hashlib.blake2b().hexdigest() writes it.
func (fh *fileHasher) digest() string {
	var sum [blake2b.Size]byte
	var text [2 * blake2b.Size]byte
	fh.h.Sum(sum[:0])
	hex.Encode(text[:], sum[:])
	return string(text[:])
}

// HashFile returns the BLAKE2b-512 hex digest of a file's contents, as Wazuh's utils.blake2b
// computes it. It refuses symbolic links and anything but a regular file (ErrNotRegular), so
// a hash never describes a file outside the folder it was asked for.
func HashFile(path string) (string, error) {
	fh := hashers.Get().(*fileHasher)
	defer hashers.Put(fh)
	sum, _, _, err := fh.hashRegular(nil, path)
	return sum, err
}

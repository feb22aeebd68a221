package authd

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// newAgentKey returns a fresh agent key: 64 lowercase hex characters, like Wazuh's two MD5
// digests but from crypto/rand.
func newAgentKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate agent key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

package gossip

import (
	"crypto/sha256"
	"io"

	"golang.org/x/crypto/hkdf"
)

// gossipKeyInfo binds the derived key to this one use, so the same cluster
// key never encrypts two protocols (Wazuh's Fernet uses the raw key).
const gossipKeyInfo = "clusterd gossip v1"

// gossipKeySize selects AES-256-GCM in memberlist.
const gossipKeySize = 32

// DeriveKey returns the 32-byte memberlist key for a cluster:
// HKDF-SHA256 of the Wazuh cluster key, salted with the cluster name.
// The raw cluster key never reaches memberlist, and two clusters that share a
// key but not a name get different gossip keys.
func DeriveKey(clusterKey, clusterName string) []byte {
	key := make([]byte, gossipKeySize)
	reader := hkdf.New(sha256.New, []byte(clusterKey), []byte(clusterName), []byte(gossipKeyInfo))
	if _, err := io.ReadFull(reader, key); err != nil {
		// HKDF-SHA256 yields up to 255×32 bytes; 32 can never fail.
		panic("gossip: hkdf: " + err.Error())
	}
	return key
}

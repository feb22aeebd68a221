package gossip

import (
	"bytes"
	"testing"
)

func TestDeriveKey(t *testing.T) {
	clusterKey := testClusterKey(t)
	key := DeriveKey(clusterKey, testClusterName)

	if len(key) != 32 {
		t.Fatalf("key is %d bytes, want 32", len(key))
	}
	if !bytes.Equal(key, DeriveKey(clusterKey, testClusterName)) {
		t.Fatal("same inputs gave different keys")
	}
	if bytes.Equal(key, []byte(clusterKey)) {
		t.Fatal("derived key equals the raw cluster key")
	}
	if bytes.Equal(key, DeriveKey(clusterKey, "other-cluster")) {
		t.Fatal("another cluster name gave the same key")
	}
	if bytes.Equal(key, DeriveKey("0123456789abcdef0123456789abcdef", testClusterName)) {
		t.Fatal("another cluster key gave the same key")
	}
}

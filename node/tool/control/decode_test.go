package control

import (
	"errors"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func TestAnswersHoldingAnExceptionAreRaised(t *testing.T) {
	if _, err := decodeNodes([]byte(error3023)); !errors.Is(err, messages.NewClusterError(3023, nil)) {
		t.Errorf("decodeNodes(3023) err = %v", err)
	}
	if _, err := decodeHealth([]byte(error3023)); !errors.Is(err, messages.NewClusterError(3023, nil)) {
		t.Errorf("decodeHealth(3023) err = %v", err)
	}
}

func TestUnreadableAnswersAreMalformed(t *testing.T) {
	for _, payload := range []string{
		"",
		"Sent request to master node",
		`{"items": [], "totalItems": 0} trailing`,
		`{"__wazuh_exception__": {"__class__": "NoSuchError", "__object__": {"code": 1}}}`,
		`{"items": "not a list", "totalItems": 0}`,
	} {
		if _, err := decodeNodes([]byte(payload)); !errors.Is(err, ErrMalformedDocument) {
			t.Errorf("decodeNodes(%q) err = %v, want ErrMalformedDocument", payload, err)
		}
	}
	for _, payload := range []string{`{}`, `{"n_connected_nodes": 0, "nodes": []}`, `{"n_connected_nodes": "1", "nodes": {}}`} {
		if _, err := decodeHealth([]byte(payload)); !errors.Is(err, ErrMalformedDocument) {
			t.Errorf("decodeHealth(%q) err = %v, want ErrMalformedDocument", payload, err)
		}
	}
}

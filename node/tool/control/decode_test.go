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

// control.get_agents reads the WazuhResult the master sends (C1), or a plain dict, raises an
// exception, and refuses what has no items.
func TestDecodeAgentsAnswers(t *testing.T) {
	const c1 = `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [], "totalItems": 0}}}}`
	if doc, err := decodeAgents([]byte(c1)); err != nil || len(doc.Items) != 0 || doc.TotalItems != 0 {
		t.Errorf("C1: %+v, %v", doc, err)
	}
	const plain = `{"items": [{"id": "003", "name": "new", "ip": "any", "status": "never_connected", "node_name": "unknown"}], "totalItems": 1}`
	doc, err := decodeAgents([]byte(plain))
	if err != nil || len(doc.Items) != 1 || doc.Items[0].Version != "unknown" || doc.TotalItems != 1 {
		t.Errorf("plain dict: %+v, %v", doc, err)
	}
	if _, err := decodeAgents([]byte(error3023)); !errors.Is(err, messages.NewClusterError(3023, nil)) {
		t.Errorf("exception: %v", err)
	}
	for _, payload := range []string{
		`{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"affected_items": [], "dikt": {}}}}`,
		`{"totalItems": 0}`, `{"items": {}, "totalItems": 0}`, `[1]`, `{"items": [1], "totalItems": 1}`,
	} {
		if _, err := decodeAgents([]byte(payload)); !errors.Is(err, ErrMalformedDocument) {
			t.Errorf("decodeAgents(%s) = %v, want ErrMalformedDocument", payload, err)
		}
	}
}

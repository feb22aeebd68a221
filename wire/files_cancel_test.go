package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// realExceptionPayloads returns the err payloads the real dispatch() produced
// (error_payloads.json), which are what a cancel_task carries after its task id.
func realExceptionPayloads(t testing.TB) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorDir, "error_payloads.json"))
	if err != nil {
		t.Fatalf("reading error_payloads.json: %v", err)
	}
	var vectors map[string]struct {
		Payload string `json:"payload"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatalf("decoding error_payloads.json: %v", err)
	}
	var payloads [][]byte
	for _, v := range vectors {
		payloads = append(payloads, []byte(v.Payload))
	}
	return payloads
}

func TestParseCancelTaskSplitsTaskIDAndException(t *testing.T) {
	for _, exc := range realExceptionPayloads(t) {
		for _, taskID := range []string{"8f1f4a2c-7d7e-4c55-9b0e-2a1f0c3d4e5f", NoTaskID} {
			payload := append([]byte(taskID+" "), exc...)
			gotID, gotExc, err := ParseCancelTask(payload)
			if err != nil || gotID != taskID || !bytes.Equal(gotExc, exc) {
				t.Fatalf("ParseCancelTask(%.60q) = %q, %.40q, %v", payload, gotID, gotExc, err)
			}
		}
	}
}

func TestParseCancelTaskRefusesMalformedPayloads(t *testing.T) {
	for _, payload := range []string{"", "no-space", "task {not json", "task ", "task {\"a\": 1} trailing"} {
		_, _, err := ParseCancelTask([]byte(payload))
		if !errors.Is(err, ErrCancelTaskMalformed) || Code(err) != 1000 {
			t.Errorf("ParseCancelTask(%q) = %v; want ErrCancelTaskMalformed with code 1000", payload, err)
		}
	}
}

func TestCancelTaskReplyMatchesWazuh(t *testing.T) {
	command, payload := CancelTaskReply(nil)
	expectReply(t, command, payload, "ok", "Request received correctly")

	_, _, err := ParseCancelTask([]byte("no-space"))
	command, payload = CancelTaskReply(err)
	if command != "err" {
		t.Fatalf("reply to a malformed cancel_task = %q %s", command, payload)
	}
	assertWazuhInternalError(t, payload, "not enough values to unpack (expected 2, got 1)")
}

package config

import (
	"errors"
	"fmt"
	"testing"

	// Named: this package's tests have a helper called messages.
	wazuh "github.com/clusterd/clusterd/messages"
)

// A validation problem is Wazuh's 3004 with the table's wording, and matches its named value.
func TestValidationErrorsAreWazuh3004(t *testing.T) {
	row, ok := wazuh.LookupCode(ErrorCodeClusterConfig)
	if !ok || row.Message != clusterConfigMessage {
		t.Fatalf("table row %+v, want the message %q", row, clusterConfigMessage)
	}
	err := fmt.Errorf("ossec.conf: %w", newValidationError(ErrInvalidPort, "Cluster port must be an integer."))
	if !errors.Is(err, wazuh.ErrClusterConfig) || !errors.Is(err, ErrInvalidPort) {
		t.Errorf("%v does not match 3004 and its sentinel", err)
	}
	if errors.Is(err, wazuh.ErrClusterDisabled) || errors.Is(err, (*wazuh.WazuhError)(nil)) {
		t.Errorf("%v matches another code", err)
	}
}

package nodetest

import (
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

// Eventually polls fn until it returns nil, and fails the test with fn's last error once
// timeout has passed: poll.Eventually, under the name the cluster tests use.
func Eventually(t testing.TB, timeout time.Duration, fn func() error) {
	t.Helper()
	poll.Eventually(t, timeout, "the condition", fn)
}

package agentsim

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperManagerEnv) != "" {
		os.Exit(runHelperManager())
	}
	goleak.VerifyTestMain(m)
}

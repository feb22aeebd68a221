package logging_test

import (
	"os"
	"time"

	"github.com/clusterd/clusterd/node/logging"
	"github.com/sirupsen/logrus"
)

func ExampleTagged() {
	root := logging.NewWriterLogger(os.Stdout, logrus.InfoLevel)
	keepalive := logging.Tagged(root, "Worker worker1", "Keep Alive")
	at := time.Date(2024, time.May, 1, 10, 0, 0, 0, time.Local)
	keepalive.WithTime(at).Info("Successful response from master: keepalive")
	// Output: 2024/05/01 10:00:00 INFO: [Worker worker1] [Keep Alive] Successful response from master: keepalive
}

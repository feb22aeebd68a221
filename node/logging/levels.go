package logging

import (
	"fmt"
	"strconv"

	"github.com/sirupsen/logrus"
)

// levelName is the level as Wazuh's Python logging prints it; DEBUG2 is Wazuh's custom level 5,
// which logrus calls Trace.
func levelName(level logrus.Level) string {
	switch level {
	case logrus.TraceLevel:
		return "DEBUG2"
	case logrus.DebugLevel:
		return "DEBUG"
	case logrus.InfoLevel:
		return "INFO"
	case logrus.WarnLevel:
		return "WARNING"
	case logrus.ErrorLevel:
		return "ERROR"
	case logrus.FatalLevel, logrus.PanicLevel:
		return "CRITICAL"
	default:
		return "LEVEL" + strconv.Itoa(int(level))
	}
}

// levelForDebug maps wazuh-clusterd's -d count to a logrus level: none → INFO, -d → DEBUG,
// -dd (or more) → DEBUG2.
func levelForDebug(debug int) (logrus.Level, error) {
	switch {
	case debug < 0:
		return 0, fmt.Errorf("%w: %d", ErrInvalidDebug, debug)
	case debug == 0:
		return logrus.InfoLevel, nil
	case debug == 1:
		return logrus.DebugLevel, nil
	default:
		return logrus.TraceLevel, nil
	}
}

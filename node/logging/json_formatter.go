package logging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"
)

// jsonTimeLayout keeps milliseconds: JSON lines are read by machines, which can use them.
const jsonTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// JSONFormatter renders one JSON object per line, for log collectors:
//
//	{"time":"2024-05-01T10:00:00.000+02:00","level":"INFO","tag":"Master","subtag":"Main","msg":"Starting.","fields":{"peer":"worker1"}}
//
// Levels are named as in cluster.log (DEBUG2 … CRITICAL); tag and subtag are left out when unset,
// and every other field, the error included, goes under "fields". It is safe for concurrent use.
type JSONFormatter struct {
	// OmitFields names fields never included in "fields".
	OmitFields []string
}

type jsonLine struct {
	Time   string         `json:"time"`
	Level  string         `json:"level"`
	Tag    string         `json:"tag,omitempty"`
	Subtag string         `json:"subtag,omitempty"`
	Msg    string         `json:"msg"`
	Fields map[string]any `json:"fields,omitempty"`
}

// Format implements logrus.Formatter.
func (f *JSONFormatter) Format(entry *logrus.Entry) ([]byte, error) {
	line := jsonLine{
		Time:  entry.Time.Local().Format(jsonTimeLayout),
		Level: levelName(entry.Level),
		Msg:   strings.TrimSuffix(entry.Message, "\n"),
	}
	if tag, ok := entry.Data[FieldTag]; ok {
		line.Tag = valueString(tag)
	}
	if subtag, ok := entry.Data[FieldSubtag]; ok {
		line.Subtag = valueString(subtag)
	}
	if keys := extraFieldKeys(entry.Data, f.OmitFields); len(keys) > 0 {
		line.Fields = make(map[string]any, len(keys))
		for _, key := range keys {
			line.Fields[key] = jsonValue(entry.Data[key])
		}
	}

	buf := entry.Buffer
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	encoder := json.NewEncoder(buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(line); err != nil {
		return nil, fmt.Errorf("encode log entry as JSON: %w", err)
	}
	return buf.Bytes(), nil
}

package logging

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func decodeJSONLine(t *testing.T, line string) map[string]any {
	t.Helper()
	if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		t.Fatalf("want exactly one line, got %q", line)
	}
	var decoded map[string]any
	if err := json.Unmarshal([]byte(line), &decoded); err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	return decoded
}

func TestJSONFormatterLine(t *testing.T) {
	fields := logrus.Fields{
		FieldTag:        "Master",
		FieldSubtag:     "Keep alive",
		"peer":          "worker1",
		"counter":       7,
		logrus.ErrorKey: errors.New("timeout"),
		"elapsed":       1500 * time.Millisecond,
		"skip":          "me",
	}
	line := formatLine(t, &JSONFormatter{OmitFields: []string{"skip"}}, logrus.TraceLevel, fields, "Sending keepalive <a&b>")
	got := decodeJSONLine(t, line)

	want := map[string]any{
		"time":   fixedTime.Format("2006-01-02T15:04:05.000Z07:00"),
		"level":  "DEBUG2",
		"tag":    "Master",
		"subtag": "Keep alive",
		"msg":    "Sending keepalive <a&b>",
		"fields": map[string]any{"peer": "worker1", "counter": float64(7), "error": "timeout", "elapsed": "1.5s"},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
	}
	if strings.Contains(line, `\u003c`) {
		t.Errorf("HTML escaping should be off: %s", line)
	}
}

func TestJSONFormatterLeavesOutUnsetParts(t *testing.T) {
	got := decodeJSONLine(t, formatLine(t, &JSONFormatter{}, logrus.InfoLevel, nil, "Starting."))
	for _, key := range []string{"tag", "subtag", "fields"} {
		if _, ok := got[key]; ok {
			t.Errorf("%q present in %v", key, got)
		}
	}
	if got["level"] != "INFO" || got["msg"] != "Starting." {
		t.Errorf("unexpected line %v", got)
	}
}

type panickingMarshaler struct{}

func (panickingMarshaler) MarshalJSON() ([]byte, error) { panic("boom") }

func TestJSONFormatterSurvivesUnencodableValues(t *testing.T) {
	fields := logrus.Fields{
		"nan":      math.NaN(),
		"channel":  make(chan int),
		"panicker": panickingMarshaler{},
		"nilerr":   (*nilPointerError)(nil),
	}
	got := decodeJSONLine(t, formatLine(t, &JSONFormatter{}, logrus.WarnLevel, fields, "odd values"))
	values, ok := got["fields"].(map[string]any)
	if !ok {
		t.Fatalf("no fields in %v", got)
	}
	if values["nan"] != "NaN" {
		t.Errorf("nan = %v, want the fmt text", values["nan"])
	}
	for _, key := range []string{"channel", "panicker", "nilerr"} {
		if _, isString := values[key].(string); !isString {
			t.Errorf("%s = %#v, want its fmt text", key, values[key])
		}
	}
}

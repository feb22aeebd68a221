package logging

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"
)

// wazuhTimeLayout is the asctime of Wazuh's cluster.log (datefmt "%Y/%m/%d %H:%M:%S").
const wazuhTimeLayout = "2006/01/02 15:04:05"

// Formatter renders entries as lines of Wazuh's cluster.log:
//
//	2024/05/01 10:00:00 INFO: [Worker worker1] [Keep Alive] Successful response from master: keepalive
//
// The time is local and has no milliseconds. "[tag] " and "[subtag] " are printed only when those
// fields are set. Wazuh's lines carry no other fields; so that nothing logged here is lost, the
// remaining fields follow the message as " key=value", sorted by key. An error field is printed as
// ": <err>" after the message, unless the message already contains it.
//
// A Formatter is safe for concurrent use.
type Formatter struct {
	// OmitFields names fields never appended to a line, such as fields already carried by the tag.
	OmitFields []string
}

// Format implements logrus.Formatter.
func (f *Formatter) Format(entry *logrus.Entry) ([]byte, error) {
	buf := entry.Buffer
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Write(entry.Time.Local().AppendFormat(buf.AvailableBuffer(), wazuhTimeLayout))
	buf.WriteByte(' ')
	buf.WriteString(levelName(entry.Level))
	buf.WriteString(": ")
	writeBracketed(buf, entry.Data, FieldTag)
	writeBracketed(buf, entry.Data, FieldSubtag)

	message := strings.TrimSuffix(entry.Message, "\n")
	buf.WriteString(message)
	if errText, ok := errorText(entry.Data); ok && !strings.Contains(message, errText) {
		buf.WriteString(": ")
		buf.WriteString(errText)
	}

	for _, key := range extraFieldKeys(entry.Data, f.OmitFields, logrus.ErrorKey) {
		buf.WriteByte(' ')
		buf.WriteString(key)
		buf.WriteByte('=')
		writeFieldValue(buf, valueString(entry.Data[key]))
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// writeBracketed prints "[value] " for a non-empty field.
func writeBracketed(buf *bytes.Buffer, data logrus.Fields, key string) {
	value, ok := data[key]
	if !ok {
		return
	}
	text := valueString(value)
	if text == "" {
		return
	}
	buf.WriteByte('[')
	buf.WriteString(text)
	buf.WriteString("] ")
}

// errorText is the text of the entry's error field, if it holds anything.
func errorText(data logrus.Fields) (string, bool) {
	value, ok := data[logrus.ErrorKey]
	if !ok || value == nil {
		return "", false
	}
	text := valueString(value)
	return text, text != ""
}

// extraFieldKeys lists, sorted, the fields printed after the message: everything but the tag, the
// subtag, the omitted fields and the skipped ones.
func extraFieldKeys(data logrus.Fields, omit []string, skip ...string) []string {
	keys := make([]string, 0, len(data))
	for key := range data {
		if key == FieldTag || key == FieldSubtag || slices.Contains(omit, key) || slices.Contains(skip, key) {
			continue
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}

// writeFieldValue quotes values that would otherwise be ambiguous in a " key=value" list.
func writeFieldValue(buf *bytes.Buffer, text string) {
	if needsQuoting(text) {
		buf.Write(strconv.AppendQuote(buf.AvailableBuffer(), text))
		return
	}
	buf.WriteString(text)
}

func needsQuoting(text string) bool {
	if text == "" {
		return true
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._/@^+:,()[]", c) >= 0:
		default:
			return true
		}
	}
	return false
}

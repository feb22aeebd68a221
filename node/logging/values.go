package logging

import (
	"encoding/json"
	"fmt"
	"time"
)

// valueString renders a field value for a text line. fmt recovers from panicking Error and String
// methods (a nil pointer behind an error interface, say), so a bad value cannot break logging.
func valueString(value any) string {
	switch v := value.(type) {
	case string:
		return v
	case nil:
		return "<nil>"
	default:
		return fmt.Sprint(v)
	}
}

// jsonValue makes a field value safe for encoding/json: errors become their text, and values that
// encoding/json refuses (channels, functions, NaN, cyclic data, a panicking MarshalJSON) become
// their fmt text.
func jsonValue(value any) any {
	switch v := value.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return v
	case time.Duration:
		return v.String()
	case error:
		return valueString(v)
	default:
		if !jsonEncodable(v) {
			return valueString(v)
		}
		return v
	}
}

func jsonEncodable(value any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := json.Marshal(value)
	return err == nil
}

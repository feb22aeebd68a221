package control

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// wazuhDatePattern is what Python's strptime accepts for DECIMALS_DATE_FORMAT
// ("%Y-%m-%dT%H:%M:%S.%fZ"): its own per-directive regexes, matched case-insensitively.
var wazuhDatePattern = regexp.MustCompile(`(?i)^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])` +
	`T(2[0-3]|[0-1][0-9]|[0-9]):([0-5][0-9]|[0-9]):(6[0-1]|[0-5][0-9]|[0-9])\.([0-9]{1,6})Z$`)

// parseWazuhDate parses a health date as get_utc_strptime(date, DECIMALS_DATE_FORMAT) does.
func parseWazuhDate(s string) (time.Time, error) {
	m := wazuhDatePattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%w: time data %s does not match format '%%Y-%%m-%%dT%%H:%%M:%%S.%%fZ'",
			ErrBadDate, messages.PyStrRepr(s))
	}
	var f [6]int
	for i := range f {
		f[i], _ = strconv.Atoi(m[i+1]) // cannot fail: the pattern only lets digits through (and one space).
	}
	if m[3][0] == ' ' {
		f[2], _ = strconv.Atoi(m[3][1:])
	}
	// %f is a fraction: "25" means 250000 microseconds.
	micros, _ := strconv.Atoi((m[7] + "00000")[:6])
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], micros*1000, time.UTC)
	if t.Year() != f[0] || int(t.Month()) != f[1] || t.Day() != f[2] || t.Second() != f[5] || f[0] == 0 {
		return time.Time{}, fmt.Errorf("%w: %s is not a valid date", ErrBadDate, messages.PyStrRepr(s))
	}
	return t, nil
}

// spanSeconds is print_health's calculate_seconds: the time from start to end as Python prints
// round(total_seconds, 3) followed by "s", "0.001s" below half a millisecond (negative spans
// included), and "n/a" when either date is "n/a". The end is parsed first, as in Python, so
// the same date is blamed when both are bad.
func spanSeconds(start, end string) (string, error) {
	if end == messages.NotAvailable || start == messages.NotAvailable {
		return messages.NotAvailable, nil
	}
	endTime, err := parseWazuhDate(end)
	if err != nil {
		return "", err
	}
	startTime, err := parseWazuhDate(start)
	if err != nil {
		return "", err
	}
	// Microseconds since the epoch fit an int64 for every year Python accepts, unlike a
	// time.Duration between two such dates.
	micros := epochMicros(endTime) - epochMicros(startTime)
	seconds := float64(micros) / 1e6 // timedelta.total_seconds(): one correctly rounded division.
	if seconds < 0.0005 {
		return "0.001s", nil
	}
	return messages.PyFloatRepr(messages.PyRound(seconds, 3)) + "s", nil
}

// epochMicros is t in microseconds since 1970-01-01T00:00:00Z.
func epochMicros(t time.Time) int64 {
	return t.Unix()*1_000_000 + int64(t.Nanosecond()/1000)
}

package messages

import (
	"math"
	"strconv"
	"strings"
)

// PyFloatRepr is Python's repr(float): the shortest digits that round-trip (Go and Python
// agree on those), laid out in fixed notation (always with a fraction, "1.0") when the decimal
// exponent is in [-4, 16) and in scientific notation with a signed, at-least-two-digit
// exponent otherwise ("1e+16", "1.5e-05"); nan, inf and -inf for the special values.
func PyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	var out strings.Builder
	if s[0] == '-' {
		out.WriteByte('-')
		s = s[1:]
	}
	mantissa, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mantissa, ".", "", 1)
	switch {
	case exp < -4 || exp >= 16:
		out.WriteByte(digits[0])
		if len(digits) > 1 {
			out.WriteByte('.')
			out.WriteString(digits[1:])
		}
		out.WriteByte('e')
		if exp < 0 {
			out.WriteByte('-')
			exp = -exp
		} else {
			out.WriteByte('+')
		}
		if exp < 10 {
			out.WriteByte('0')
		}
		out.WriteString(strconv.Itoa(exp))
	case exp >= 0:
		if len(digits) <= exp+1 {
			out.WriteString(digits)
			out.WriteString(strings.Repeat("0", exp+1-len(digits)))
			out.WriteString(".0")
		} else {
			out.WriteString(digits[:exp+1])
			out.WriteByte('.')
			out.WriteString(digits[exp+1:])
		}
	default:
		out.WriteString("0.")
		out.WriteString(strings.Repeat("0", -exp-1))
		out.WriteString(digits)
	}
	return out.String()
}

// PyRound is Python's round(x, ndigits) for a float and ndigits >= 0: the ndigits-decimal
// value nearest to x's exact binary value (ties to even, which only exact binary ties reach),
// read back as a float. cluster_control rounds durations with it, so round(1.0005, 3) is 1.0,
// not 1.001. A negative ndigits, NaN and infinities give x back.
func PyRound(x float64, ndigits int) float64 {
	if ndigits < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', ndigits, 64), 64)
	if err != nil {
		return x // cannot happen for a finite x: its rounding stays within float range.
	}
	return r
}

package authd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// jsonNestingLimit is cJSON's CJSON_NESTING_LIMIT: deeper documents do not parse.
const jsonNestingLimit = 1000

var errJSONTooDeep = errors.New("json nesting too deep")

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonFalse
	jsonTrue
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is a parsed JSON value that keeps what cJSON keeps: member order, duplicate keys
// and case, so that lookups behave like cJSON_GetObjectItem (first match, case-insensitive).
type jsonValue struct {
	kind    jsonKind
	num     float64
	str     string
	members []jsonMember
	items   []*jsonValue
}

type jsonMember struct {
	key string
	val *jsonValue
}

// parseCJSON parses the first JSON value of b and ignores whatever follows it, as
// cJSON_ParseWithOpts does without require_null_terminated.
func parseCJSON(b []byte) (*jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return decodeValue(dec, 0)
}

func decodeValue(dec *json.Decoder, depth int) (*jsonValue, error) {
	if depth > jsonNestingLimit {
		return nil, errJSONTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jsonValue{kind: jsonNull}, nil
	case bool:
		if t {
			return &jsonValue{kind: jsonTrue}, nil
		}
		return &jsonValue{kind: jsonFalse}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("json number %q: %w", t, err)
		}
		return &jsonValue{kind: jsonNumber, num: f}, nil
	case string:
		return &jsonValue{kind: jsonString, str: t}, nil
	case json.Delim:
		switch t {
		case '{':
			return decodeObject(dec, depth)
		case '[':
			return decodeArray(dec, depth)
		}
	}
	return nil, fmt.Errorf("unexpected json token %v", tok)
}

func decodeObject(dec *json.Decoder, depth int) (*jsonValue, error) {
	v := &jsonValue{kind: jsonObject}
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := keyTok.(string)
		if !ok {
			return nil, fmt.Errorf("json object key %v", keyTok)
		}
		val, err := decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, jsonMember{key: key, val: val})
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return nil, err
	}
	return v, nil
}

func decodeArray(dec *json.Decoder, depth int) (*jsonValue, error) {
	v := &jsonValue{kind: jsonArray}
	for dec.More() {
		item, err := decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, item)
	}
	if _, err := dec.Token(); err != nil { // closing ']'
		return nil, err
	}
	return v, nil
}

// get is cJSON_GetObjectItem: the first member whose key matches case-insensitively; nil when
// v is nil, not an object, or has no such member.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for _, m := range v.members {
		if strings.EqualFold(m.key, key) {
			return m.val
		}
	}
	return nil
}

// stringValue is cJSON's valuestring: only strings have one.
func (v *jsonValue) stringValue() (string, bool) {
	if v == nil || v.kind != jsonString {
		return "", false
	}
	return v.str, true
}

// valueInt is cJSON's valueint: numbers saturate to the C int range, true is 1, the rest 0.
func (v *jsonValue) valueInt() int {
	switch {
	case v == nil:
		return 0
	case v.kind == jsonTrue:
		return 1
	case v.kind != jsonNumber:
		return 0
	case v.num >= math.MaxInt32:
		return math.MaxInt32
	case v.num <= math.MinInt32:
		return math.MinInt32
	case math.IsNaN(v.num):
		return 0
	default:
		return int(v.num)
	}
}

// cjsonQuote writes s as cJSON_Print does: only '"', '\\' and control characters are escaped;
// other bytes (UTF-8 or not) are written as they are.
func cjsonQuote(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(sb, `\u%04x`, c)
			} else {
				sb.WriteByte(c)
			}
		}
	}
	sb.WriteByte('"')
}

// cjsonObject builds compact JSON objects with keys in insertion order, as cJSON_PrintUnformatted.
type cjsonObject struct {
	sb    strings.Builder
	count int
}

func (o *cjsonObject) key(k string) {
	if o.count == 0 {
		o.sb.WriteByte('{')
	} else {
		o.sb.WriteByte(',')
	}
	o.count++
	cjsonQuote(&o.sb, k)
	o.sb.WriteByte(':')
}

func (o *cjsonObject) str(k, v string) *cjsonObject {
	o.key(k)
	cjsonQuote(&o.sb, v)
	return o
}

func (o *cjsonObject) num(k string, v int) *cjsonObject {
	o.key(k)
	o.sb.WriteString(strconv.Itoa(v))
	return o
}

func (o *cjsonObject) raw(k, v string) *cjsonObject {
	o.key(k)
	o.sb.WriteString(v)
	return o
}

func (o *cjsonObject) String() string {
	if o.count == 0 {
		return "{}"
	}
	return o.sb.String() + "}"
}

package wdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// Whatever bytes a broken wazuh-db writes, reading its answer never panics, never returns more
// than the limit, and a returned answer splits into a known status.
func FuzzReadAnswer(f *testing.F) {
	f.Add(binary.LittleEndian.AppendUint32(nil, 2), []byte("ok"))
	f.Add(binary.LittleEndian.AppendUint32(nil, 9), []byte(`due [{"data":[]}]`))
	f.Add(binary.LittleEndian.AppendUint32(nil, 0xffffffff), []byte("err"))
	f.Add([]byte{1, 0}, []byte("x"))
	f.Fuzz(func(t *testing.T, head, body []byte) {
		answer, err := readAnswer(bytes.NewReader(append(head, body...)), 64)
		if err != nil {
			return
		}
		if len(answer) > 64 || len(answer) == 0 {
			t.Fatalf("an answer of %d bytes", len(answer))
		}
		r, err := ParseResponse(answer)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseResponse: %v", err)
			}
			return
		}
		switch r.Status {
		case StatusOK, StatusDue, StatusErr, StatusIgnore:
		default:
			t.Fatalf("status %q", r.Status)
		}
	})
}

// The rows of a `global sql` answer decode into their types or fail with Wazuh's 2006.
func FuzzDecodeRows(f *testing.F) {
	f.Add([]byte(`[{"id":0,"name":"manager","ip":"127.0.0.1","connection_status":"active","version":"Wazuh v4.14.7","node_name":"master"}]`))
	f.Add([]byte(`[{"node_name":"worker1","active":3},{"active":1}]`))
	f.Add([]byte(`{"agents_by_status":{"active":1},"agents_by_groups":{},"agents_by_os":{"ubuntu":1}}`))
	f.Add([]byte(`[{"id":1e400}]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var agents []AgentRow
		_ = decodeRows(payload, &agents)
		var counts []struct {
			NodeName *string `json:"node_name"`
			Active   int     `json:"active"`
		}
		_ = decodeRows(payload, &counts)
		var s AgentsSummary
		_ = decodeRows(payload, &s)
	})
}

// Whatever a broken wazuh-db answers to `global sql`, the row reader never panics and never
// hands out a row wider than the columns.
func FuzzDecodeOrderedRows(f *testing.F) {
	f.Add([]byte(`[{"id":1,"name":"web","id":7},{"id":2}]`))
	f.Add([]byte(`[{"name":"a","id":1}]`))
	f.Add([]byte(`[{"id":1e400,"name":{"x":[1]}}]`))
	cols := []string{"id", "name", "id"}
	f.Fuzz(func(t *testing.T, payload []byte) {
		values := make([]any, len(cols))
		_ = decodeOrderedRows(payload, cols, values, func(v []any) error {
			if len(v) != len(cols) {
				t.Fatalf("a row of %d values for %d columns", len(v), len(cols))
			}
			return nil
		})
	})
}

// Whatever text an argument holds, binding either fails or writes it as one literal: the
// bound statement has exactly the placeholders' values and nothing of the text escapes its
// quotes.
func FuzzBindArgs(f *testing.F) {
	f.Add("SELECT ? FROM agent WHERE name = ? -- ?", "x' OR 1=1 --", int64(3))
	f.Add("SELECT '?' , [?], `?`, ?", "a\x00", int64(-1))
	f.Fuzz(func(t *testing.T, statement, text string, n int64) {
		got, err := BindArgs(statement, []any{text, n})
		if err != nil {
			return
		}
		if len(got) < len(statement)-4 {
			t.Fatalf("bound %q into %q", statement, got)
		}
	})
}

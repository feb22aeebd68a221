package wdb

import (
	"errors"
	"math"
	"testing"
)

func TestBindArgsWritesLiterals(t *testing.T) {
	cases := []struct {
		statement string
		args      []any
		want      string
	}{
		{"SELECT id FROM agent WHERE id > ? AND name LIKE ?", []any{int64(3), "web-%"},
			"SELECT id FROM agent WHERE id > 3 AND name LIKE 'web-%'"},
		{"SELECT ? , ?, ?, ?", []any{nil, 1.5, true, "o'brien"}, "SELECT NULL , 1.5, 1, 'o''brien'"},
		// Not placeholders: inside literals, quoted identifiers and comments.
		{"SELECT '?', \"?\", `?`, [?], 'it''s ?' -- ?\n, ? /* ? */", []any{7},
			"SELECT '?', \"?\", `?`, [?], 'it''s ?' -- ?\n, 7 /* ? */"},
		{"SELECT 1", nil, "SELECT 1"},
		// An injection attempt stays one literal.
		{"SELECT * FROM agent WHERE name = ?", []any{"x' OR 1=1 --"},
			"SELECT * FROM agent WHERE name = 'x'' OR 1=1 --'"},
	}
	for _, c := range cases {
		got, err := BindArgs(c.statement, c.args)
		if err != nil || got != c.want {
			t.Errorf("BindArgs(%q, %v) = %q, %v; want %q", c.statement, c.args, got, err, c.want)
		}
	}
}

func TestBindArgsRefusesWhatItCannotWrite(t *testing.T) {
	cases := []struct {
		statement string
		args      []any
	}{
		{"SELECT ?", nil},
		{"SELECT 1", []any{1}},
		{"SELECT ?1", []any{1}},
		{"SELECT ?", []any{"a\x00b"}},
		{"SELECT ?", []any{math.NaN()}},
		{"SELECT ?", []any{[]byte("x")}},
	}
	for _, c := range cases {
		if got, err := BindArgs(c.statement, c.args); !errors.Is(err, ErrBind) {
			t.Errorf("BindArgs(%q, %v) = %q, %v; want ErrBind", c.statement, c.args, got, err)
		}
	}
}

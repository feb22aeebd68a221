package wdb

import (
	"errors"
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func collectRows(t *testing.T, payload string, columns []string) ([][]any, error) {
	t.Helper()
	var rows [][]any
	err := decodeOrderedRows([]byte(payload), columns, make([]any, len(columns)), func(v []any) error {
		rows = append(rows, append([]any(nil), v...))
		return nil
	})
	return rows, err
}

// wazuh-db leaves NULL columns out of a row's object: each value still lands in its column,
// repeated names included.
func TestOrderedRowsPutEachValueInItsColumn(t *testing.T) {
	cols := []string{"id", "name", "os_name", "id", "ratio"}
	rows, err := collectRows(t, `[{"id":1,"name":"web","os_name":"Ubuntu","id":7,"ratio":0.5},{"id":2,"id":8},{}]`, cols)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{
		{int64(1), "web", "Ubuntu", int64(7), 0.5},
		{int64(2), nil, nil, int64(8), nil},
		{nil, nil, nil, nil, nil},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %#v, want %#v", rows, want)
	}
}

func TestOrderedRowsRefuseWhatWazuhDBDoesNotWrite(t *testing.T) {
	cols := []string{"id", "name"}
	for _, payload := range []string{
		`{"id":1}`, `[1]`, `[{"name":"a","id":1}]`, `[{"other":1}]`, `[{"id":{"x":1}}]`,
		`[{"id":[1]}]`, `[{"id":true}]`, `[{"id":1}] []`, `[{"id":1}`, ``, `[{"id":1e999}]`,
	} {
		_, err := collectRows(t, payload, cols)
		if !errors.Is(err, ErrMalformed) || !errors.Is(err, messages.ErrWazuhDBBadJSON) {
			t.Errorf("%q: %v, want a malformed answer (2006)", payload, err)
		}
	}
}

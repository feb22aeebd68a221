package wdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// Pages of Select, sized as Agents sizes its pages (and as Wazuh's WazuhDBConnection.execute
// sizes its steps): halved when an answer does not fit wazuh-db's buffer, doubled while one
// uses less than half of it.
const (
	firstSelectPage = 256
	maxSelectPage   = 8192
)

// Select runs one read-only statement (its arguments already bound, see BindArgs) on the
// global database with `global sql`, in pages of "SELECT * FROM (statement) LIMIT n OFFSET m"
// on one connection, and calls row with each row's values in the order of columns: NULL (a
// column wazuh-db left out of the row's object) as nil, integers as int64, other numbers as
// float64, text as string. columns are the statement's result columns as SQLite names those
// of "SELECT * FROM (statement)"; wazuh-db answers each row as an object of them, in that
// order. At most maxRows rows are read (DefaultMaxAgents when 0): a statement that yields
// more fails with ErrTooLarge. row may keep the slice only until it returns.
func (c *Client) Select(ctx context.Context, statement string, columns []string, maxRows int, row func(values []any) error) error {
	if maxRows <= 0 {
		maxRows = DefaultMaxAgents
	}
	conn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	values := make([]any, len(columns))
	offset, size := 0, firstSelectPage
	for {
		payload, err := conn.SQL(ctx, "SELECT * FROM ("+statement+") LIMIT "+strconv.Itoa(size)+" OFFSET "+strconv.Itoa(offset))
		if errors.Is(err, ErrTruncated) && size > 1 {
			// The connection is still in step: wazuh-db wrote the whole (cut) answer.
			size /= 2
			continue
		}
		if err != nil {
			return err
		}
		n := 0
		err = decodeOrderedRows(payload, columns, values, func(v []any) error {
			n++
			if n > size {
				return raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("more than %d rows for a page of %d", n, size), ErrMalformed)
			}
			if offset+n > maxRows {
				return raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("more than %d rows", maxRows), ErrTooLarge)
			}
			return row(v)
		})
		if err != nil {
			return err
		}
		offset += n
		if n < size {
			return nil
		}
		if 2*len(payload) < MaxResponseSize {
			size = min(2*size, maxSelectPage)
		}
	}
}

// decodeOrderedRows reads a `global sql` answer, an array of one object per row, and calls row
// with values filled in the order of columns. wazuh-db writes a row's columns in their order
// and leaves NULL ones out, so each key is looked for from the column after the last one
// found: repeated column names keep their places. Anything else is Wazuh's 2006.
func decodeOrderedRows(payload []byte, columns []string, values []any, row func([]any) error) error {
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	bad := func(why string) error {
		return raise(messages.ErrWazuhDBBadJSON, why, ErrMalformed)
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim('[') {
		return bad("the answer is not an array of rows")
	}
	for d.More() {
		if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
			return bad("a row is not an object")
		}
		clear(values)
		next := 0
		for d.More() {
			tok, err := d.Token()
			if err != nil {
				return bad(err.Error())
			}
			key, _ := tok.(string)
			for next < len(columns) && columns[next] != key {
				next++
			}
			if next == len(columns) {
				return bad(fmt.Sprintf("column %q out of place or unknown", messages.ClipForLog(key)))
			}
			if values[next], err = scalar(d); err != nil {
				return bad(err.Error())
			}
			next++
		}
		if _, err := d.Token(); err != nil { // '}'
			return bad(err.Error())
		}
		if err := row(values); err != nil {
			return err
		}
	}
	if _, err := d.Token(); err != nil { // ']'
		return bad(err.Error())
	}
	if _, err := d.Token(); err != io.EOF {
		return bad("data after the answer")
	}
	return nil
}

// scalar reads one column value: a number or a string.
func scalar(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case string:
		return v, nil
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("the number %s: %w", messages.ClipForLog(v.String()), err)
		}
		return f, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("a column value of kind %T", tok)
}

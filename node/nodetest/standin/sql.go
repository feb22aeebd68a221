package standin

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// sql is `global sql <statement>`: wazuh-db runs any one statement (wdb_exec) and answers its
// rows as a compact JSON array, one object per row, NULL columns left out.
func (w *WazuhDB) sql(statement string) string {
	out, err := queryJSON(context.Background(), w.db, statement)
	if err != nil {
		return "err Cannot execute Global database query; " + err.Error()
	}
	return "ok " + string(out)
}

// queryJSON runs statement and writes its rows as cJSON_PrintUnformatted writes wdb_exec's.
func queryJSON(ctx context.Context, db *sql.DB, statement string, args ...any) ([]byte, error) {
	rows, err := db.QueryContext(ctx, statement, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	out := []byte{'['}
	first := true
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendRow(out, cols, values)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return append(out, ']'), nil
}

func appendRow(b []byte, cols []string, values []any) []byte {
	b = append(b, '{')
	n := 0
	for i, v := range values {
		if v == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = messages.AppendCJSONString(b, cols[i])
		b = append(b, ':')
		switch x := v.(type) {
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case float64:
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		case []byte:
			b = messages.AppendCJSONString(b, string(x))
		case string:
			b = messages.AppendCJSONString(b, x)
		default:
			b = messages.AppendCJSONString(b, "")
		}
	}
	return append(b, '}')
}

package wazuhdb

import (
	"context"
	"database/sql"
	"strings"
)

// maxBatchParams keeps a multi-row statement well under SQLite's limit of
// 32766 bound parameters while still amortising the per-statement cost,
// which dominates when every agent is written with its own statement.
const maxBatchParams = 8192

// rowsStatement runs one statement shape over many rows of width parameters
// each, several rows per execution: the SQL text holds one "(?, ?, ...)"
// tuple per row in place of the VALUES placeholder. The first value of every
// row is an agent id; executions are padded with rows of id -1, which match
// no agent, up to a few fixed sizes, so only a handful of statements exist
// whatever the row counts; the store prepares them when it opens (see
// agentInfoStatements).
type rowsStatement struct {
	ctx      context.Context
	tx       *sql.Tx
	sqlShape string // contains valuesPlaceholder once
	width    int
	perExec  int
	prepared map[int]*sql.Stmt
	buf      []any
	// cached, if set, returns the store's statement prepared once for a query, bound to tx.
	cached func(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, bool)
}

const valuesPlaceholder = "{{VALUES}}"

func newRowsStatement(ctx context.Context, tx *sql.Tx, sqlShape string, width int) *rowsStatement {
	return &rowsStatement{
		ctx: ctx, tx: tx, sqlShape: sqlShape, width: width,
		perExec:  rowsPerExec(width),
		prepared: make(map[int]*sql.Stmt),
	}
}

// rowsPerExec is the most rows of the given width one execution binds.
func rowsPerExec(width int) int { return max(1, maxBatchParams/width) }

// rowsQuery is sqlShape over a VALUES list of rows rows of width columns.
func rowsQuery(sqlShape string, rows, width int) string {
	return strings.Replace(sqlShape, valuesPlaceholder, valuesTuples(rows, width), 1)
}

// exec runs the statement over n rows, fill writing the width arguments of
// row i into dst, and returns the total number of rows changed. One argument
// buffer of a single execution is reused, so memory stays bounded whatever n.
func (r *rowsStatement) exec(n int, fill func(i int, dst []any)) (int64, error) {
	var changed int64
	for done := 0; done < n; {
		rows := min(n-done, r.perExec)
		affected, err := r.execRows(rows, func(i int, dst []any) { fill(done+i, dst) })
		changed += affected
		if err != nil {
			return changed, err
		}
		done += rows
	}
	return changed, nil
}

// execRows runs the statement once over exactly rows rows (at most
// perExec), fill writing row i (0-based within this execution).
func (r *rowsStatement) execRows(rows int, fill func(i int, dst []any)) (int64, error) {
	stmt, args, err := r.bind(rows, fill)
	if err != nil {
		return 0, err
	}
	res, err := stmt.ExecContext(r.ctx, args...)
	clear(args) // drop references to the caller's strings
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// bind fills the argument buffer for one execution over rows rows, padded
// as paddedSize says, and returns the statement prepared for that size.
func (r *rowsStatement) bind(rows int, fill func(i int, dst []any)) (*sql.Stmt, []any, error) {
	size := r.paddedSize(rows)
	if need := size * r.width; cap(r.buf) < need {
		r.buf = make([]any, need)
	}
	args := r.buf[:size*r.width]
	for i := range rows {
		fill(i, args[i*r.width:(i+1)*r.width])
	}
	for i := rows; i < size; i++ {
		args[i*r.width] = noAgentID
		clear(args[i*r.width+1 : (i+1)*r.width])
	}
	stmt, err := r.stmt(size)
	if err != nil {
		clear(args)
		return nil, nil, err
	}
	return stmt, args, nil
}

// noAgentID fills padding rows: no agent has it.
const noAgentID = -1

// minPaddedRows is the smallest execution size.
const minPaddedRows = 16

// paddedSize rounds rows up to a power of two (at least minPaddedRows),
// capped at perExec.
func (r *rowsStatement) paddedSize(rows int) int {
	size := minPaddedRows
	for size < rows {
		size *= 2
	}
	return min(size, r.perExec)
}

func (r *rowsStatement) stmt(rows int) (*sql.Stmt, error) {
	if st, ok := r.prepared[rows]; ok {
		return st, nil
	}
	query := rowsQuery(r.sqlShape, rows, r.width)
	if r.cached != nil {
		if st, ok := r.cached(r.ctx, r.tx, query); ok {
			r.prepared[rows] = st
			return st, nil
		}
	}
	st, err := r.tx.PrepareContext(r.ctx, query)
	if err != nil {
		return nil, err
	}
	r.prepared[rows] = st
	return st, nil
}

func (r *rowsStatement) close() {
	for _, st := range r.prepared {
		_ = st.Close()
	}
}

// valuesTuples returns "(?,?),(?,?)" for rows=2, width=2.
func valuesTuples(rows, width int) string {
	tuple := "(" + strings.Repeat("?,", width-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(tuple) + 1))
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tuple)
	}
	return b.String()
}

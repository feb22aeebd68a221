package store

import (
	"context"
	"database/sql"
	"fmt"
)

// clearLabelsSQL deletes the labels of the listed agents.
const clearLabelsSQL = `DELETE FROM labels WHERE id IN (VALUES ` + valuesPlaceholder + `)`

// insertLabelsSQL skips labels of unknown agents, which would break the
// foreign key; a key listed twice for one agent takes its last value.
// VALUES columns: id, key, value.
const insertLabelsSQL = `INSERT OR REPLACE INTO labels (id, key, value)
	SELECT v.column1, v.column2, v.column3 FROM (VALUES ` + valuesPlaceholder + `) AS v
	WHERE EXISTS (SELECT 1 FROM agent WHERE agent.id = v.column1)`

// replaceLabels gives every listed agent exactly its Labels (none when
// empty). Deleting and inserting binds fewer values than comparing with the
// stored labels would, and binding is what costs.
func replaceLabels(ctx context.Context, tx *sql.Tx, agents []Agent) error {
	clearStmt := newRowsStatement(ctx, tx, clearLabelsSQL, 1)
	defer clearStmt.close()
	if _, err := clearStmt.exec(len(agents), func(i int, dst []any) { dst[0] = agents[i].ID }); err != nil {
		return fmt.Errorf("clear labels: %w", err)
	}
	type labelRef struct{ agent, label int }
	var refs []labelRef
	for i := range agents {
		for j := range agents[i].Labels {
			refs = append(refs, labelRef{i, j})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	insert := newRowsStatement(ctx, tx, insertLabelsSQL, 3)
	defer insert.close()
	_, err := insert.exec(len(refs), func(i int, dst []any) {
		a := &agents[refs[i].agent]
		l := &a.Labels[refs[i].label]
		dst[0], dst[1], dst[2] = a.ID, l.Key, l.Value
	})
	if err != nil {
		return fmt.Errorf("insert labels: %w", err)
	}
	return nil
}

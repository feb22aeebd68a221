package manager

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// The native DAPI functions read the manager's agents through `global sql`: every row comes
// back, in order, across pages that wazuh-db cuts at its buffer, with NULL columns as nil.
func TestAgentTablesReadEveryRowThroughWazuhDB(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{}, Options{})
	const n = 1500
	long := strings.Repeat("x", 60)
	for id := 1; id <= n; id++ {
		a := standin.Agent{ID: id, Name: fmt.Sprintf("agent-%04d-%s", id, long)}
		if id%2 == 0 {
			a.Version = "Wazuh v4.14.7"
		}
		if err := w.AddAgent(a); err != nil {
			t.Fatal(err)
		}
	}
	before := w.Commands("global sql")
	var got int
	err := m.AgentTables().SelectGlobal(context.Background(),
		"SELECT id, name, version, os_name FROM agent WHERE id > ? AND name LIKE ? ORDER BY id",
		[]any{int64(0), "agent-%"}, func(v []any) error {
			got++
			if v[0] != int64(got) || v[1] != fmt.Sprintf("agent-%04d-%s", got, long) || v[3] != nil {
				return fmt.Errorf("row %d: %v", got, v)
			}
			if want := any(nil); got%2 == 0 && v[2] != "Wazuh v4.14.7" || got%2 == 1 && v[2] != want {
				return fmt.Errorf("row %d version %v", got, v[2])
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	// About 100 bytes a row: 1,500 rows do not fit one answer, so this took several pages.
	if pages := w.Commands("global sql") - before; pages < 3 {
		t.Fatalf("%d global sql requests for %d rows of ~100 bytes", pages, n)
	}
}

// An argument is written into the statement as one literal: quotes and SQL inside it are text.
func TestAgentTablesBindArgumentsAsLiterals(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{}, Options{})
	for id, name := range map[int]string{1: "o'brien ? --", 2: "plain"} {
		if err := w.AddAgent(standin.Agent{ID: id, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"o'brien ? --", "x' OR 1=1 --"} {
		var ids []any
		err := m.AgentTables().SelectGlobal(context.Background(), "SELECT id FROM agent WHERE name = ?", []any{name},
			func(v []any) error { ids = append(ids, v[0]); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if name == "o'brien ? --" && (len(ids) != 1 || ids[0] != int64(1)) || name != "o'brien ? --" && len(ids) != 0 {
			t.Errorf("name %q matched %v", name, ids)
		}
	}
}

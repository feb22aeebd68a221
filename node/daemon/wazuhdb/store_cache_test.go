package wazuhdb

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
)

// The page cache is 32 MiB unless CacheMiB says otherwise (a master takes 16).
func TestStorePageCacheFollowsCacheMiB(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want int
	}{
		{nil, -32 << 10},
		{[]Option{CacheMiB(16)}, -16 << 10},
	} {
		s, err := Open(filepath.Join(t.TempDir(), "global.db"), tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var size int
		if err := s.db.QueryRow("PRAGMA cache_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		if size != tc.want {
			t.Errorf("cache_size %d, want %d", size, tc.want)
		}
	}
}

// Every statement an agent-info document at rest runs, at every size, and those of first
// syncs up to rareRowsCached rows, are ones the store prepared when it opened: none is parsed
// again in a document's transaction. Renames alone are prepared when they happen.
func TestAgentInfoStatementsArePreparedOnce(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	err := s.write(ctx, "look", func(tx *sql.Tx) error {
		w := s.newAgentInfoWriter(ctx, tx, 1)
		defer w.close()
		for _, st := range w.statements() {
			if st.sqlShape == renameRows.sql {
				continue
			}
			i := slices.IndexFunc(agentInfoShapes, func(sh rowsShape) bool { return sh.sql == st.sqlShape })
			if i < 0 {
				t.Errorf("%.50q is not one of agentInfoShapes", st.sqlShape)
				continue
			}
			kept := agentInfoShapes[i].keptRows()
			for _, rows := range []int{1, 17, 100, 256, 1000, 100000} {
				size := st.paddedSize(rows)
				_, ok := s.cache.lookup(rowsQuery(st.sqlShape, size, st.width))
				if want := size <= kept; ok != want {
					t.Errorf("%.50q at %d rows: prepared %v, want %v", st.sqlShape, size, ok, want)
				}
			}
			if agentInfoShapes[i].atRest && kept != st.perExec {
				t.Errorf("%.50q runs at rest but is kept only up to %d rows", st.sqlShape, kept)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.cache.lookup(markedSQL); !ok {
		t.Error("markedSQL is not prepared")
	}
}

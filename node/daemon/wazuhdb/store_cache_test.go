package wazuhdb

import (
	"path/filepath"
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

package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clusterd/clusterd/node/fsutil"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// ClientKeys returns the client.keys entries: active agents by key position,
// then removed entries in removal order.
func (s *Store) ClientKeys(ctx context.Context) ([]clientkeys.Entry, error) {
	var entries []clientkeys.Entry
	err := s.read(ctx, "read client keys", func(tx *sql.Tx) error {
		var err error
		entries, err = clientKeys(ctx, tx)
		return err
	})
	return entries, err
}

func clientKeys(ctx context.Context, q queryer) ([]clientkeys.Entry, error) {
	var entries []clientkeys.Entry
	rows, err := q.QueryContext(ctx, `SELECT id, name, COALESCE(register_ip, 'any'), COALESCE(internal_key, '')
		FROM agent WHERE key_pos IS NOT NULL ORDER BY key_pos, id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e clientkeys.Entry
		if err := rows.Scan(&e.ID, &e.Name, &e.IP, &e.Key); err != nil {
			rows.Close()
			return nil, err
		}
		entries = append(entries, e)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, name, ip, key FROM removed_keys ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e := clientkeys.Entry{Removed: true}
		if err := rows.Scan(&e.ID, &e.Name, &e.IP, &e.Key); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// WriteClientKeys renders ClientKeys to path: a temporary file in the same
// folder, fsync, mode 0640, then rename, so readers never see a partial file.
func (s *Store) WriteClientKeys(ctx context.Context, path string) error {
	entries, err := s.ClientKeys(ctx)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, clientkeys.Render(entries), 0o640); err != nil {
		return fmt.Errorf("write client keys %s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, data, mode)
}

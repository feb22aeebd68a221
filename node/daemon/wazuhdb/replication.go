package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
)

// ReplicationApplied is the index of the last replicated-log entry applied to the store (0:
// none).
func (s *Store) ReplicationApplied(ctx context.Context) (uint64, error) {
	var applied int64
	err := s.read(ctx, "read the replication's applied index", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT applied FROM replication WHERE only = 1`).Scan(&applied)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return uint64(applied), err
}

// SetReplicationApplied records that every replicated-log entry up to index is applied.
func (s *Store) SetReplicationApplied(ctx context.Context, index uint64) error {
	return s.write(ctx, "save the replication's applied index", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO replication (only, applied) VALUES (1, ?)
			ON CONFLICT (only) DO UPDATE SET applied = excluded.applied`, int64(index))
		return err
	})
}

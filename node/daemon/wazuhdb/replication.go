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

// FileTree is the generation and digest of the file tree the acting master last distributed
// (generation 0: none recorded).
func (s *Store) FileTree(ctx context.Context) (generation uint64, digest string, err error) {
	var gen int64
	err = s.read(ctx, "read the replicated file tree", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT generation, digest FROM file_tree WHERE only = 1`).Scan(&gen, &digest)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return uint64(gen), digest, err
}

// SetFileTree records a generation of the distributed file tree; an older generation than the
// one stored changes nothing (an entry applied again after a crash).
func (s *Store) SetFileTree(ctx context.Context, generation uint64, digest string) error {
	return s.write(ctx, "save the replicated file tree", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO file_tree (only, generation, digest) VALUES (1, ?, ?)
			ON CONFLICT (only) DO UPDATE SET generation = excluded.generation, digest = excluded.digest
			WHERE excluded.generation > file_tree.generation`, int64(generation), digest)
		return err
	})
}

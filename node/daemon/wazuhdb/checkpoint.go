package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// The store's checkpoints (copying the write-ahead log back into the database file) run on a
// connection of their own, beside the writer. SQLite's automatic checkpoint runs inside the
// commit that crosses its threshold, so that commit, and every write queued behind it on the
// store's one connection, waited for the copy and for the two fsyncs around it. An fsync waits
// for whatever else the machine is writing: while 50,000 agents arrived in Wazuh's benchmark
// shape, with 25 workers on the same disk, each took 0.3–0.9 s, and a worker's agent-info
// document that came in then waited as long (the stable phase's maximum, 0.4–1.8 s, sat right
// after them). A checkpoint in PASSIVE mode takes no lock a writer waits on, and with
// synchronous=NORMAL a commit itself never fsyncs, so the writer no longer waits for the disk.
//
// The log is restarted from its beginning only once a checkpoint has copied all of it, and a
// pass needs its fsyncs' time without a commit to get there: while a stream of writes lasts, the
// log grows (to 206 MB in that arrival, with passes every second; 477 MB with passes every 5 s),
// and it is cut back to journalSizeLimit at the first restart after.

// checkpointEvery is how often the checkpointer copies what the writer committed since its
// last pass. Each pass copies a page once however many commits wrote it in between.
const checkpointEvery = time.Second

// writerCheckpointPages is the writer's own automatic checkpoint: only a bound on the log (800
// MiB), should the checkpointer fall behind for long or the writes never pause; the writer then
// waits for one checkpoint. At SQLite's usual threshold, or the 10,000 pages this store used
// before, the writer still checkpointed, and fsynced, whenever a burst of writes outran the
// checkpointer's passes (agent-info maximum in the shape 1.1–1.6 s), and at 50,000 pages once,
// when the arrival's log passed it (1.7 s).
const writerCheckpointPages = 200000

// journalSizeLimit is the size the log file is cut back to when it restarts (journal_size_limit).
const journalSizeLimit = 64 << 20

// checkpointer runs PASSIVE checkpoints every checkpointEvery while the store is written.
type checkpointer struct {
	db      *sql.DB
	stop    chan struct{}
	done    chan struct{}
	stopped sync.Once
	err     error // of closing db
}

// startCheckpointer opens the checkpoint connection on the store's file and starts its loop;
// generation tells it whether anything was committed since it last looked.
func startCheckpointer(path string, generation func() uint64) (*checkpointer, error) {
	db, err := sql.Open("sqlite", connectionURI(path, nil))
	if err != nil {
		return nil, fmt.Errorf("open the checkpoint connection: %w", err)
	}
	keepOneConnection(db)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run(generation)
	return c, nil
}

func (c *checkpointer) run(generation func() uint64) {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	checked := generation()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		now := generation()
		if now == checked {
			continue // nothing committed since the last pass: nothing to copy
		}
		// A pass that fails (the file gone, the disk full) is tried again at the next tick;
		// meanwhile the writer's own checkpoint bounds the log, as it did before this one.
		if err := c.checkpoint(context.Background()); err == nil {
			checked = now
		}
	}
}

// checkpoint runs one PASSIVE checkpoint: it copies the frames no reader still needs.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	if _, err := c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// close stops the loop, waiting for a pass under way, and closes the connection, so that the
// writer's connection is the last one and checkpoints the rest of the log as it closes. It may
// be called again.
func (c *checkpointer) close() error {
	c.stopped.Do(func() {
		close(c.stop)
		<-c.done
		if err := c.db.Close(); err != nil {
			c.err = fmt.Errorf("close the checkpoint connection: %w", err)
		}
	})
	return c.err
}

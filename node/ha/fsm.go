package ha

import (
	"context"
	"encoding/json"
)

// Command is one committed entry as the FSM sees it.
type Command struct {
	Index uint64
	Op    string
	Body  json.RawMessage
}

// FSM is the replicated state machine. Apply is called from one goroutine, in log order, on
// every member. Its answer (or error: a refusal every member reaches alike) goes back to the
// proposer. An entry may be applied again after a crash (between the FSM's write and the
// saved applied index): applying it again must change nothing.
type FSM interface {
	Apply(ctx context.Context, cmd Command) ([]byte, error)
}

// AppliedIndexer is an FSM that keeps the index of the last entry applied in its own storage,
// written after the entry's change: then the index is exactly as durable as the changes it
// counts (never ahead of them after a crash of the machine), and costs no sync of the log's
// file. An FSM without it has the index kept in the log's file, synced.
type AppliedIndexer interface {
	AppliedIndex(ctx context.Context) (uint64, error)
	SetAppliedIndex(ctx context.Context, index uint64) error
}

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

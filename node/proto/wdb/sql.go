package wdb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

const sqlCommand = "global sql "

// SQL runs one statement on the global database (`global sql`, what Wazuh's framework queries
// the agents with) and returns wazuh-db's JSON answer: an array of one object per row, NULL
// columns left out ([] for a statement without rows). An answer wazuh-db cut at its buffer is
// ErrTruncated (Wazuh's 2009): ask for fewer rows. An err answer is 2003 with wazuh-db's text.
func (k *Conn) SQL(ctx context.Context, statement string) ([]byte, error) {
	r, err := k.Run(ctx, sqlCommand+statement)
	if err != nil {
		return nil, err
	}
	return []byte(r.Payload), nil
}

// decodeRows decodes a `global sql` answer into rows (a pointer to a slice). Numbers must fit
// their fields; anything else is Wazuh's 2006.
func decodeRows(payload []byte, rows any) error {
	d := json.NewDecoder(bytes.NewReader(payload))
	if err := d.Decode(rows); err != nil {
		return raise(messages.ErrWazuhDBBadJSON, err.Error(), fmt.Errorf("%w: %w", ErrMalformed, err))
	}
	if d.More() {
		return raise(messages.ErrWazuhDBBadJSON, "data after the answer", ErrMalformed)
	}
	return nil
}

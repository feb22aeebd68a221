package wire

import (
	"errors"
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// The package's coded errors match the named Wazuh exception of their code, and only that one.
func TestCodedErrorsMatchTheirWazuhException(t *testing.T) {
	cases := []struct {
		err  error
		want *messages.WazuhError
	}{
		{ErrCommandTooLong, messages.ErrCommandTooLong},
		{ErrDecrypt, messages.ErrDecrypt},
		{ErrPayloadTooLarge, messages.ErrPayloadTooLarge},
		{ErrPreAuthTooLarge, messages.ErrPayloadTooLarge},
		{ErrTooManyDivided, messages.ErrTooManyDivided},
		{ErrCancelTaskMalformed, messages.ErrInternal},
		{refusedString("no"), messages.ErrReceivedErrorResponse},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("conn: %w", c.err)
		if !errors.Is(wrapped, c.want) || Code(wrapped) != c.want.Code {
			t.Errorf("%v: does not match %v (code %d)", wrapped, c.want, Code(wrapped))
		}
		if errors.Is(wrapped, messages.ErrWorkerNotConnected) {
			t.Errorf("%v matches 3023", wrapped)
		}
	}
	// Code reads a Wazuh exception too.
	if got := Code(fmt.Errorf("x: %w", messages.ErrRequestTimeout.New())); got != 3020 {
		t.Errorf("Code(3020 exception) = %d", got)
	}
}

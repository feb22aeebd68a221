package pyframework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// Executor runs Distributed API requests with the manager's own framework, in node/framework's
// process (dapi.Executor): the request goes as DistributedAPI.to_dict() (Request.Encode), the
// framework runs it as wazuh-clusterd's queue does, and its encoded answer comes back as
// dapi.Raw, passed on untouched.
type Executor struct {
	client *actors.FrameworkClient
}

var _ dapi.Executor = (*Executor)(nil)

// NewExecutor returns the executor that calls node/framework through client.
func NewExecutor(client *actors.FrameworkClient) *Executor { return &Executor{client: client} }

// Execute implements dapi.Executor. Its answers: the framework's result, or the exception it
// answered with (dapi_errors already set: the framework's executor set them), as dapi.Raw; a
// Wazuh exception the framework refused the request with; 901 when the process ended while
// running it, 900 when no process runs (it is being started again, or keeps failing); ctx's
// error when ctx ends first (the process is told to drop it); any other error for an
// unexpected failure.
func (e *Executor) Execute(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	body := req.Encode()
	if len(body) > maxRequest-callSize {
		return nil, messages.ErrDistributedAPI.With(fmt.Sprintf("a request of %d bytes is more than the framework's process reads", len(body)))
	}
	got, err := e.client.Call(ctx, body)
	switch {
	case err == nil:
	case errors.Is(err, actors.ErrFrameworkDied):
		return nil, messages.ErrAPIExecutorBroke.With(reasonOf(err))
	case errors.Is(err, actors.ErrFrameworkDown), errors.Is(err, actors.ErrFrameworkBusy):
		return nil, messages.ErrAPIPoolBroken.With(reasonOf(err))
	default:
		return nil, err
	}
	a, ok := got.(answer)
	if !ok {
		return nil, fmt.Errorf("the framework's process answered %T", got)
	}
	switch a.kind {
	case kindResult:
		if !json.Valid(a.payload) {
			// distribute_function's answer to a result it cannot read.
			return nil, messages.NewInternalError(messages.ErrJSONNotLoaded.Code, nil)
		}
		return dapi.Raw{JSON: a.payload}, nil
	case kindRefused:
		we, err := messages.DecodeException(a.payload)
		if err != nil {
			return nil, fmt.Errorf("the framework refused the request with an exception clusterd cannot read: %w", err)
		}
		return nil, we
	}
	return nil, fmt.Errorf("the framework failed: %s", messages.ClipForLog(string(a.payload)))
}

// reasonOf is how the process ended, or why it is not running.
func reasonOf(err error) string {
	var fe *actors.FrameworkError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return err.Error()
}

package dapi

import (
	"context"
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// Fallback returns an executor that runs each request with first and, when first answers that
// it does not run the request's function (NotExecuted), with next: the functions clusterd
// executes natively first, the manager's own framework for every other one (Wazuh mode). A
// nil next leaves first alone.
// When first is also an AgentLocator (it reads the agent store), so is the executor returned:
// routing asks the node's executor where agents report.
func Fallback(first, next Executor) Executor {
	if next == nil {
		return first
	}
	f := fallback{first: first, next: next}
	if l, ok := first.(AgentLocator); ok {
		return locatingFallback{fallback: f, AgentLocator: l}
	}
	return f
}

type fallback struct{ first, next Executor }

type locatingFallback struct {
	fallback
	AgentLocator
}

func (f fallback) Execute(ctx context.Context, req *Request) (Result, error) {
	res, err := f.first.Execute(ctx, req)
	if err != nil && IsNotExecuted(err, req.F) {
		return f.next.Execute(ctx, req)
	}
	return res, err
}

// IsNotExecuted reports whether err is NotExecuted(f): the executor did not run f at all, so
// another one may.
func IsNotExecuted(err error, f Function) bool {
	var we *messages.WazuhError
	if !errors.As(err, &we) {
		return false
	}
	want := NotExecuted(f)
	return we.Class == want.Class && we.Code == want.Code && we.ExtraMessage == want.ExtraMessage
}

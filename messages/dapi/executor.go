package dapi

import "context"

// Executor runs a request on this node: the native functions, or the manager's own Python
// framework. Execute returns the request's result — a *WazuhResult, an *AffectedItems, or Raw
// for an answer already encoded — or an error: a *messages.WazuhError the function raised (a
// 1017 when the basic daemons are down, a 4000 from a Gate, NotExecuted for a function the
// executor does not run), or any other error, which counts as an unexpected failure. The
// caller turns an error into the answer with Request.Fail. Execute must honour ctx (the
// request's timeout, DAPI §2.3) and must not keep req's keyword arguments after it returns.
type Executor interface {
	Execute(ctx context.Context, req *Request) (Result, error)
}

package dapi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// executorFunc adapts a function to Executor.
type executorFunc func(ctx context.Context, req *Request) (Result, error)

func (f executorFunc) Execute(ctx context.Context, req *Request) (Result, error) { return f(ctx, req) }

func TestFallbackRunsTheNextExecutorOnlyForWhatTheFirstDoesNotRun(t *testing.T) {
	native, _ := LookupFunction("wazuh.cluster", "get_nodes_info")
	other, _ := LookupFunction("api.authentication", "check_token")
	failure := messages.ErrDaemonsNotReady.New()
	first := executorFunc(func(_ context.Context, req *Request) (Result, error) {
		switch req.F {
		case native:
			return NewWazuhResult(messages.Object{{Key: "by", Value: "first"}}), nil
		case other:
			return nil, NotExecuted(req.F)
		}
		return nil, failure
	})
	var nextRan []Function
	next := executorFunc(func(_ context.Context, req *Request) (Result, error) {
		nextRan = append(nextRan, req.F)
		return Raw{JSON: []byte(`{"by": "next"}`)}, nil
	})
	exec := Fallback(first, next)

	res, err := exec.Execute(context.Background(), &Request{F: native})
	if err != nil || string(EncodeResult(res)) != `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"by": "first"}}}}` {
		t.Fatalf("native function: %s, %v", EncodeResult(res), err)
	}
	res, err = exec.Execute(context.Background(), &Request{F: other})
	if err != nil || string(EncodeResult(res)) != `{"by": "next"}` {
		t.Fatalf("function the first does not run: %v, %v", res, err)
	}
	// An error of the first executor that is not NotExecuted is the answer.
	basic, _ := LookupFunction("wazuh.manager", "get_basic_info")
	if _, err = exec.Execute(context.Background(), &Request{F: basic}); !errors.Is(err, failure) {
		t.Fatalf("first executor's failure: %v", err)
	}
	if len(nextRan) != 1 || nextRan[0] != other {
		t.Fatalf("next executor ran %v, want only %v", nextRan, other)
	}
	if _, ok := Fallback(first, nil).(executorFunc); !ok {
		t.Fatal("Fallback without a next executor is not the first one")
	}
}

func TestIsNotExecutedNamesTheFunction(t *testing.T) {
	f, _ := LookupFunction("api.authentication", "check_token")
	g, _ := LookupFunction("wazuh.manager", "get_basic_info")
	if !IsNotExecuted(fmt.Errorf("run: %w", NotExecuted(f)), f) {
		t.Error("a wrapped NotExecuted is not recognised")
	}
	if IsNotExecuted(NotExecuted(g), f) {
		t.Error("NotExecuted of another function counts")
	}
	if IsNotExecuted(messages.ErrDistributedAPI.With("something else"), f) || IsNotExecuted(errors.New("x"), f) || IsNotExecuted(nil, f) {
		t.Error("another error counts as NotExecuted")
	}
}

// locatingExecutor is an executor that also says where agents report.
type locatingExecutor struct{ executorFunc }

func (locatingExecutor) LocateAgents(AgentQuery) ([]AgentNode, error) {
	return []AgentNode{{ID: "001", Node: "worker1"}}, nil
}

func TestFallbackKeepsTheFirstExecutorsAgentLocator(t *testing.T) {
	none := executorFunc(func(context.Context, *Request) (Result, error) { return nil, nil })
	if _, ok := Fallback(none, none).(AgentLocator); ok {
		t.Fatal("a fallback over an executor that locates nothing locates agents")
	}
	l, ok := Fallback(locatingExecutor{none}, none).(AgentLocator)
	if !ok {
		t.Fatal("the fallback lost the first executor's AgentLocator")
	}
	if got, err := l.LocateAgents(AgentQuery{}); err != nil || len(got) != 1 || got[0].Node != "worker1" {
		t.Fatalf("LocateAgents: %v, %v", got, err)
	}
}

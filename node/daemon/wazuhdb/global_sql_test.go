package wazuhdb

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestSelectGlobalReadsRows(t *testing.T) {
	s, _ := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "web", IP: "10.0.0.9"})
	mustAdd(t, s, NewAgent{Name: "db"})
	var got [][]any
	err := s.SelectGlobal(context.Background(), "SELECT id, name, version FROM agent WHERE id >= ? ORDER BY id", []any{1},
		func(values []any) error {
			got = append(got, append([]any(nil), values...))
			return nil
		})
	if err != nil {
		t.Fatalf("SelectGlobal: %v", err)
	}
	want := [][]any{{int64(1), "web", nil}, {int64(2), "db", nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %#v, want %#v", got, want)
	}
}

func TestSelectGlobalRefusesWrites(t *testing.T) {
	s, _ := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "web"})
	err := s.SelectGlobal(context.Background(), "DELETE FROM agent", nil, func([]any) error { return nil })
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("DELETE through SelectGlobal: err = %v, want ErrReadOnly", err)
	}
	// The agent is still there, and the connection writes again afterwards.
	mustAgent(t, s, 1)
	mustAdd(t, s, NewAgent{Name: "db"})
}

func TestSelectGlobalStopsOnCallbackError(t *testing.T) {
	s, _ := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "web"})
	mustAdd(t, s, NewAgent{Name: "db"})
	stop := errors.New("stop")
	n := 0
	err := s.SelectGlobal(context.Background(), "SELECT id FROM agent", nil, func([]any) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err = %v after %d rows, want the callback's error after 1", err, n)
	}
}

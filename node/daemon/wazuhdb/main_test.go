package wazuhdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openTemp opens a fresh store in a temporary folder, closed at cleanup.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "var", "db", "global.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

// reopen closes s and opens the same file again, as a process restart does.
func reopen(t testing.TB, s *Store, path string) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	return s2
}

func mustAdd(t testing.TB, s *Store, a NewAgent) Agent {
	t.Helper()
	if a.Key == "" {
		a.Key = "k" + a.Name
	}
	got, err := s.AddAgent(context.Background(), a)
	if err != nil {
		t.Fatalf("AddAgent(%+v): %v", a, err)
	}
	return got
}

func mustAgent(t testing.TB, s *Store, id int) Agent {
	t.Helper()
	a, ok, err := s.Agent(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("Agent(%d) = %v, %v", id, ok, err)
	}
	return a
}

func keyLines(t testing.TB, s *Store) string {
	t.Helper()
	entries, err := s.ClientKeys(context.Background())
	if err != nil {
		t.Fatalf("ClientKeys: %v", err)
	}
	return string(clientkeys.Render(entries))
}

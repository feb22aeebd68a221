package wdb_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// fakeWDB is a hostile or broken wazuh-db on a real socket: serve answers each request it
// reads (the request text in, raw bytes out; nil closes the connection, and so does a
// hangUp answer once written).
type fakeWDB struct {
	path string
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	open []net.Conn
}

func startFake(t *testing.T, serve func(request string) []byte) *fakeWDB {
	return startFakeHangingUp(t, func(r string) ([]byte, bool) { return serve(r), false })
}

func startFakeHangingUp(t *testing.T, serve func(request string) (answer []byte, hangUp bool)) *fakeWDB {
	t.Helper()
	f := &fakeWDB{path: filepath.Join(t.TempDir(), "wdb")}
	ln, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	f.ln = ln
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.open = append(f.open, c)
			f.mu.Unlock()
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				defer c.Close()
				var head [4]byte
				for {
					if _, err := io.ReadFull(c, head[:]); err != nil {
						return
					}
					req := make([]byte, binary.LittleEndian.Uint32(head[:]))
					if _, err := io.ReadFull(c, req); err != nil {
						return
					}
					out, hangUp := serve(string(req))
					if out == nil {
						return
					}
					if _, err := c.Write(out); err != nil || hangUp {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		f.mu.Lock()
		for _, c := range f.open {
			_ = c.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	return f
}

// framed is a well-framed answer.
func framed(text string) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, uint32(len(text))), text...)
}

func quick(path string) *wdb.Client {
	return wdb.NewClient(path, wdb.Options{Timeout: 2 * time.Second})
}

// A size header beyond what wazuh-db writes is refused at once: nothing is allocated for it,
// and the client does not wait for bytes that will never come.
func TestOversizedAnswerIsRefusedBeforeReading(t *testing.T) {
	f := startFake(t, func(string) []byte { return binary.LittleEndian.AppendUint32(nil, 1<<31) })
	start := time.Now()
	_, err := quick(f.path).Query(context.Background(), "global sql SELECT 1")
	if !errors.Is(err, wdb.ErrTooLarge) || !errors.Is(err, messages.ErrWazuhDBPagination) {
		t.Fatalf("err = %v", err)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("took %v: the client waited for the announced bytes", waited)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 5 {
		_, _ = quick(f.path).Query(context.Background(), "x")
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("%d bytes allocated for 5 refused answers of 2 GiB", grew)
	}
}

// Answers wazuh-db would not write are Wazuh's errors, never a panic nor a hang.
func TestMalformedAnswers(t *testing.T) {
	cases := []struct {
		name   string
		answer []byte
		hangUp bool
		code   *messages.WazuhError
		cause  error
	}{
		{"unknown status", framed("maybe [{}]"), false, messages.ErrWazuhDBRetrieve, wdb.ErrMalformed},
		{"empty frame", framed(""), false, messages.ErrWazuhDBRetrieve, wdb.ErrMalformed},
		{"cut short", append(binary.LittleEndian.AppendUint32(nil, 100), "ok [1"...), true, messages.ErrWazuhDBIncompleteRead, io.ErrUnexpectedEOF},
		{"closed", nil, false, messages.ErrWazuhDBConnect, io.EOF},
		{"not JSON", framed("ok [{\"data\":"), false, messages.ErrWazuhDBBadJSON, wdb.ErrMalformed},
		{"err", framed("err Cannot execute Global database query; database is locked"), false, messages.ErrWazuhDBRetrieve, wdb.ErrAnswer},
		{"ign", framed("ign"), false, messages.ErrWazuhDBRetrieve, wdb.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFakeHangingUp(t, func(string) ([]byte, bool) { return tc.answer, tc.hangUp })
			_, err := quick(f.path).AgentGroups(context.Background(), wdb.ConditionAll, 0)
			if !errors.Is(err, tc.code) || !errors.Is(err, tc.cause) {
				t.Fatalf("err = %v, want code %d and %v", err, tc.code.Code, tc.cause)
			}
		})
	}
}

// An answer that fills wazuh-db's whole buffer was cut by wazuh-db: the caller is told so.
func TestTruncatedAnswer(t *testing.T) {
	text := "ok [" + strings.Repeat(" ", wdb.MaxResponseSize-4)
	f := startFake(t, func(string) []byte { return framed(text) })
	_, err := quick(f.path).Run(context.Background(), "global sql SELECT * FROM agent")
	if !errors.Is(err, wdb.ErrTruncated) || !errors.Is(err, messages.ErrWazuhDBPagination) {
		t.Fatalf("err = %v", err)
	}
}

// A wazuh-db that keeps answering "due" cannot keep the node paging: a page must move past
// the last one, must not be empty, and the agents collected are bounded.
func TestDueForever(t *testing.T) {
	t.Run("same page", func(t *testing.T) {
		f := startFake(t, func(string) []byte { return framed(`due [{"data":[{"id":5,"name":"a","groups":[]}]}]`) })
		if _, err := quick(f.path).AgentGroups(context.Background(), wdb.ConditionAll, 0); !errors.Is(err, wdb.ErrNoProgress) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty page", func(t *testing.T) {
		f := startFake(t, func(string) []byte { return framed(`due [{"data":[]}]`) })
		if _, err := quick(f.path).AgentGroups(context.Background(), wdb.ConditionAll, 0); !errors.Is(err, wdb.ErrNoProgress) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("endless", func(t *testing.T) {
		var mu sync.Mutex
		next := 0
		f := startFake(t, func(string) []byte {
			mu.Lock()
			defer mu.Unlock()
			var b strings.Builder
			for i := range 100 {
				if i > 0 {
					b.WriteByte(',')
				}
				next++
				fmt.Fprintf(&b, `{"id":%d,"groups":["g"]}`, next)
			}
			return framed(`due [{"data":[` + b.String() + `]}]`)
		})
		if _, err := quick(f.path).AgentGroups(context.Background(), wdb.ConditionAll, 5000); !errors.Is(err, wdb.ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("hash alone due", func(t *testing.T) {
		f := startFake(t, func(string) []byte { return framed(`due [{"data":[]}]`) })
		if _, _, err := quick(f.path).GlobalGroupHash(context.Background()); !errors.Is(err, wdb.ErrMalformed) {
			t.Fatalf("err = %v", err)
		}
	})
}

// A wazuh-db that never answers costs the timeout, not more; a cancelled context ends the
// wait at once.
func TestSilentWazuhDB(t *testing.T) {
	f := startFake(t, func(string) []byte {
		time.Sleep(3 * time.Second)
		return nil
	})
	c := wdb.NewClient(f.path, wdb.Options{Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := c.Query(context.Background(), "global sql SELECT 1")
	if !errors.Is(err, messages.ErrWazuhDBRetrieve) || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	_, err = wdb.NewClient(f.path, wdb.Options{Timeout: time.Minute}).Query(ctx, "global sql SELECT 1")
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("cancelled: err = %v after %v", err, time.Since(start))
	}
}

// Nothing listening: Wazuh's 2005; a request larger than wazuh-db reads is never sent.
func TestUnreachableAndOversizedRequest(t *testing.T) {
	c := quick(filepath.Join(t.TempDir(), "wdb"))
	if _, err := c.Query(context.Background(), "global sql SELECT 1"); !errors.Is(err, messages.ErrWazuhDBConnect) {
		t.Fatalf("no socket: %v", err)
	}
	got := make(chan string, 1)
	f := startFake(t, func(r string) []byte {
		got <- r
		return framed("ok")
	})
	err := quick(f.path).SetAgentGroups(context.Background(), "override", "synced",
		[]messages.AgentGroupsEntry{{ID: 1, Name: strings.Repeat("x", wdb.MaxRequestSize), Groups: []string{"g"}}})
	if !errors.Is(err, wdb.ErrRequestTooLarge) {
		t.Fatalf("oversized request: %v", err)
	}
	select {
	case r := <-got:
		t.Fatalf("wazuh-db received %d bytes", len(r))
	default:
	}
}

// fakeHTTP is a hostile or broken wdb-http.sock.
func fakeHTTP(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wdb-http.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return path
}

func TestHostileHTTPAnswers(t *testing.T) {
	opts := wdb.HTTPOptions{Timeout: 500 * time.Millisecond, Retries: -1, MaxSyncBody: 1 << 20}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		code    *messages.WazuhError
		cause   error
	}{
		{"announced too large", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "1073741824")
			_, _ = w.Write([]byte("{"))
		}, messages.ErrWazuhDBPagination, wdb.ErrTooLarge},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, messages.ErrWazuhDBPagination, wdb.ErrTooLarge},
		{"server error", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, messages.ErrWazuhDBInvalidHTTPRequest, wdb.ErrAnswer},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"syncreq": [{"id": "one"}]}`))
		}, messages.ErrWazuhDBBadJSON, wdb.ErrMalformed},
		{"silent", func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}, messages.ErrWazuhDBSendingHTTP, nil},
		{"stalls mid-body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"syncreq": [`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}, messages.ErrWazuhDBSendingHTTP, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := wdb.NewHTTPClient(fakeHTTP(t, tc.handler), opts)
			defer h.Close()
			start := time.Now()
			_, err := h.AgentsSync(context.Background())
			if !errors.Is(err, tc.code) || (tc.cause != nil && !errors.Is(err, tc.cause)) {
				t.Fatalf("err = %v, want code %d and %v", err, tc.code.Code, tc.cause)
			}
			if waited := time.Since(start); waited > 2*time.Second {
				t.Fatalf("took %v", waited)
			}
		})
	}
}

// A socket that is not there yet is tried again, as httpx's transport does; then 2013.
func TestHTTPRetriesTheConnection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wdb-http.sock")
	h := wdb.NewHTTPClient(path, wdb.HTTPOptions{Retries: 2, RetryBackoff: 50 * time.Millisecond})
	defer h.Close()
	start := time.Now()
	if _, err := h.AgentsSync(context.Background()); !errors.Is(err, messages.ErrWazuhDBSendingHTTP) {
		t.Fatalf("err = %v", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("gave up after %v, want 50 + 100 ms of retries", waited)
	}
}

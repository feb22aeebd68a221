package manager

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

func startDaemon(t *testing.T, path string, answer func([]byte) []byte) *standin.Daemon {
	t.Helper()
	d, err := standin.StartDaemon(path, answer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func startRawDaemon(t *testing.T, path string, serve func([]byte) ([]byte, bool)) *standin.Daemon {
	t.Helper()
	d, err := standin.StartRawDaemon(path, serve)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func daemonsAt(home string, opts Options) *Manager {
	return New(home, opts)
}

// Each daemon Wazuh's sendsync knows is reached on its own socket with what wazuh_sendsync
// sends: an object dumped again as Python's json.dumps writes it, a string as it is. The
// answer comes back as the daemon wrote it.
func TestSendsyncReachesEachDaemonOnItsSocket(t *testing.T) {
	home := t.TempDir()
	echo := func(name string) func([]byte) []byte {
		return func(req []byte) []byte { return []byte(name + " got " + string(req)) }
	}
	daemons := map[string]*standin.Daemon{
		"authd":        startDaemon(t, standin.AuthdSocketPath(home), echo("authd")),
		"remoted":      startDaemon(t, standin.RemotedSocketPath(home), echo("remoted")),
		"task-manager": startDaemon(t, standin.TaskManagerSocketPath(home), echo("task-manager")),
		"wazuh-db":     startDaemon(t, standin.SocketPath(home), echo("wazuh-db")),
	}
	m := daemonsAt(home, Options{})
	if m.Services(false).Daemons != nil {
		t.Fatal("a worker serves sendsync itself")
	}
	d := m.Services(true).Daemons
	for _, tc := range []struct {
		daemon, message, sent string
	}{
		{"authd", `{"function":"add","arguments":{"name":"agent-1","ip":"any","groups":"default"}}`,
			`{"function": "add", "arguments": {"name": "agent-1", "ip": "any", "groups": "default"}}`},
		{"remoted", `{"command":"assigngroup","parameters":{"agent":"001","md5":"ab12"}}`,
			`{"command": "assigngroup", "parameters": {"agent": "001", "md5": "ab12"}}`},
		{"task-manager", `{"origin":{"module":"upgrade_module"},"command":"upgrade","parameters":{"agents":[1,2],"label":"é"}}`,
			`{"origin": {"module": "upgrade_module"}, "command": "upgrade", "parameters": {"agents": [1, 2], "label": "\u00e9"}}`},
		{"wazuh-db", `"global get-agent-info 1"`, `global get-agent-info 1`},
	} {
		answer, err := d.Dispatch(context.Background(), tc.daemon, []byte(tc.message))
		if err != nil {
			t.Fatalf("%s: %v", tc.daemon, err)
		}
		if want := tc.daemon + " got " + tc.sent; string(answer) != want {
			t.Errorf("%s answered %q, want %q", tc.daemon, answer, want)
		}
		if got := daemons[tc.daemon].Requests(); len(got) != 1 || got[0] != tc.sent {
			t.Errorf("%s received %q, want %q", tc.daemon, got, tc.sent)
		}
	}
}

// What fails fails as Wazuh's wazuh_sendsync does, with its codes and texts, and never hangs.
func TestSendsyncDaemonErrorsAreWazuhs(t *testing.T) {
	home := t.TempDir()
	m := daemonsAt(home, Options{DaemonTimeout: 300 * time.Millisecond})
	d := m.Services(true).Daemons
	auth := `{"function":"add"}`
	expect := func(t *testing.T, daemon, message string, code *messages.WazuhError, text string) {
		t.Helper()
		start := time.Now()
		_, err := d.Dispatch(context.Background(), daemon, []byte(message))
		var we *messages.WazuhError
		if !errors.As(err, &we) || !errors.Is(err, code) || we.Error() != text {
			t.Fatalf("%s: %v, want %q", daemon, err, text)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%s: took %s", daemon, time.Since(start))
		}
	}

	t.Run("no socket", func(t *testing.T) {
		expect(t, "authd", auth, messages.ErrSocketConnect, "Error 1013 - Unable to connect with socket: auth")
	})
	t.Run("nobody accepts", func(t *testing.T) {
		path := standin.RemotedSocketPath(home)
		startDaemon(t, path, nil).Close() // leaves the folder
		ln, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		ln.(*net.UnixListener).SetUnlinkOnClose(false)
		_ = ln.Close()
		expect(t, "remoted", `{}`, messages.ErrSocketRefused,
			"Error 1121 - Error connecting with socket: Socket 'remote' cannot receive connections")
	})
	t.Run("unknown daemon", func(t *testing.T) {
		expect(t, "analysisd", auth, messages.ErrSocketCommunication, "Error 1014 - Error communicating with socket: 'analysisd'")
	})
	t.Run("a message that is no object nor string", func(t *testing.T) {
		startDaemon(t, standin.TaskManagerSocketPath(home), func(req []byte) []byte { return req })
		expect(t, "task-manager", `[1,2]`, messages.ErrSocketCommunication,
			"Error 1014 - Error communicating with socket: 'list' object has no attribute 'encode'")
		expect(t, "task-manager", `null`, messages.ErrSocketCommunication,
			"Error 1014 - Error communicating with socket: 'NoneType' object has no attribute 'encode'")
		expect(t, "task-manager", `2.5`, messages.ErrSocketCommunication,
			"Error 1014 - Error communicating with socket: 'float' object has no attribute 'encode'")
		deep := `{"a":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`
		expect(t, "task-manager", deep, messages.ErrJSONNotLoaded, "Error 3036 - JSON couldn't be loaded: JSON nesting too deep")
	})

	path := standin.AuthdSocketPath(home)
	for _, tc := range []struct {
		name   string
		out    []byte
		hangUp bool
		text   string
	}{
		{"hangs up without answering", nil, true, "unpack requires a buffer of 4 bytes"},
		{"half a header", []byte{5, 0}, true, "unpack requires a buffer of 4 bytes"},
		{"answer cut short", append(binary.LittleEndian.AppendUint32(nil, 10), "abc"...), true, "the answer ended after 3 of 10 bytes"},
		{"answer beyond the bound", binary.LittleEndian.AppendUint32(nil, DefaultMaxDaemonAnswer+1), false,
			"an answer of 1048577 bytes, 1048576 at most"},
		{"answer not UTF-8", append(binary.LittleEndian.AppendUint32(nil, 2), 0xff, 'x'), false,
			"'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
		{"silent", nil, false, "timed out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startRawDaemon(t, path, func([]byte) ([]byte, bool) { return tc.out, tc.hangUp })
			expect(t, "authd", auth, messages.ErrSocketCommunication, "Error 1014 - Error communicating with socket: "+tc.text)
			fake.Close()
		})
	}
}

// A size header announcing gigabytes is refused before anything is allocated for it.
func TestSendsyncOversizedAnswerIsRefusedBeforeReading(t *testing.T) {
	home := t.TempDir()
	startRawDaemon(t, standin.AuthdSocketPath(home), func([]byte) ([]byte, bool) {
		return binary.LittleEndian.AppendUint32(nil, 1<<31), false
	})
	d := daemonsAt(home, Options{}).Daemons()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 5 {
		if _, err := d.Dispatch(context.Background(), "authd", []byte(`{}`)); !errors.Is(err, messages.ErrSocketCommunication) {
			t.Fatalf("answer of 2 GiB: %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("%d bytes allocated for 5 refused answers of 2 GiB", grew)
	}
}

// The caller's deadline ends the exchange when it comes before the daemon timeout.
func TestSendsyncFollowsTheCallersDeadline(t *testing.T) {
	home := t.TempDir()
	startRawDaemon(t, filepath.Join(home, "queue", "sockets", "auth"), func([]byte) ([]byte, bool) { return nil, false })
	d := daemonsAt(home, Options{DaemonTimeout: time.Hour}).Daemons()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := d.Dispatch(ctx, "authd", []byte(`{}`))
	if !errors.Is(err, messages.ErrSocketCommunication) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("%v", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Fatalf("waited %s", waited)
	}
}

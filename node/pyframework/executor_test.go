package pyframework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// resultDict is the dict of a WazuhResult answer.
func resultDict(t *testing.T, o outcome) map[string]any {
	t.Helper()
	if o.err != nil {
		t.Fatalf("Execute: %v", o.err)
	}
	var wire struct {
		Result struct {
			Class  string `json:"__class__"`
			Object struct {
				Result map[string]any `json:"result"`
			} `json:"__object__"`
		} `json:"__wazuh_result__"`
	}
	if err := json.Unmarshal([]byte(text(o.res)), &wire); err != nil || wire.Result.Class != "WazuhResult" {
		t.Fatalf("not a WazuhResult: %s (%v)", text(o.res), err)
	}
	return wire.Result.Object.Result
}

func execute(t *testing.T, f *framework, module, qualname, kwargs, extra string) outcome {
	t.Helper()
	return wait(t, f.executeAsync(context.Background(), request(t, module, qualname, kwargs, extra)))
}

func TestRequestRunsWithTheFrameworksOwnMachinery(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	helper := f.ready(t, 1).PID

	// A synchronous function: decoded with as_wazuh_object, run in the loop's executor with the
	// request's RBAC context, agent_list "*" removed, the dict wrapped in a WazuhResult.
	got := resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", `{"select": ["path"], "agent_list": "*"}`,
		`, "rbac_permissions": {"cluster:read": {"node:id:*": "allow"}, "rbac_mode": "white"}, "current_user": "wazuh", "nodes": ["master-node", "worker1"]`))
	want := map[string]any{"function": "wazuh.manager.get_basic_info", "kwargs": map[string]any{"select": []any{"path"}},
		"rbac":         map[string]any{"cluster:read": map[string]any{"node:id:*": "allow"}, "rbac_mode": "white"},
		"current_user": "wazuh", "nodes": []any{"master-node", "worker1"}, "origin_module": "API",
		"pid": float64(helper), "main_thread": false}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sync function:\n got %v\nwant %v", got, want)
	}

	// A coroutine: awaited in the event loop, with the local client it asks for.
	got = resultDict(t, execute(t, f, "wazuh.cluster", "get_nodes_info", `{"offset": 0}`, `, "is_async": true, "local_client_arg": "lc"`))
	if got["main_thread"] != true || fmt.Sprint(got["kwargs"]) != "map[local_client:LocalClient offset:0]" {
		t.Fatalf("async function: %v", got)
	}
}

func TestAuthenticationRequestsRunInTheAuthenticationPool(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	helper := f.ready(t, 1).PID
	got := resultDict(t, execute(t, f, "api.authentication", "check_token",
		`{"username": "wazuh", "roles": [1], "token_nbf_time": 1700000000, "run_as": false, "origin_node_type": "worker"}`, ""))
	if pid := int(got["pid"].(float64)); pid == helper || pid == 0 {
		t.Fatalf("check_token ran in process %d, the helper is %d: not in the authentication pool", pid, helper)
	}
	if fmt.Sprint(got["kwargs"]) != "map[roles:[1] run_as:false token_nbf_time:1.7e+09 username:wazuh]" {
		t.Fatalf("check_token's arguments: %v", got["kwargs"])
	}
	// A function answering a plain dict: distribute_function wraps it.
	o := execute(t, f, "api.authentication", "get_security_conf", `{}`, "")
	if o.err != nil || text(o.res) != `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"auth_token_exp_timeout": 900, "rbac_mode": "white"}}}}` {
		t.Fatalf("get_security_conf: %s, %v", text(o.res), o.err)
	}
}

func TestFailuresAreExceptionValuesWithDapiErrors(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	f.ready(t, 1)
	o := execute(t, f, "wazuh.manager", "get_basic_info", `{"stub_raise": 1724}`, "")
	want := `{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"type": "about:blank", "title": "Bad Request", "code": 1724, "extra_message": "stub", "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Not a valid select field: stub"}}, "ids": []}}}`
	if o.err != nil || text(o.res) != want {
		t.Fatalf("a WazuhError:\n got %s, %v\nwant %s", text(o.res), o.err, want)
	}
	// An unexpected exception: error 1000 (get_error_info is given the exception itself, not a
	// WazuhInternalError: no log file), and its traceback in clusterd's log.
	o = execute(t, f, "wazuh.manager", "get_basic_info", `{"stub_raise": "runtime"}`, "")
	want = `{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "about:blank", "title": "Wazuh Internal Error", "code": 1000, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Wazuh Internal Error. See log for more detail"}}}}}`
	if o.err != nil || text(o.res) != want {
		t.Fatalf("an unexpected exception:\n got %s, %v\nwant %s", text(o.res), o.err, want)
	}
	poll.Until(t, waitTimeout, "the traceback in clusterd's log", func() bool {
		return f.logs.contains("error [Cluster] [D API] RuntimeError: the stand-in failed")
	})
}

func TestBasicDaemonsDownAreAnswered1017(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, true)), actorsDefaults())
	f.ready(t, 1)
	o := execute(t, f, "wazuh.manager", "get_basic_info", `{}`, "")
	want := `{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "about:blank", "title": "Wazuh Internal Error", "code": 1017, "extra_message": {"node_name": "master-node", "not_ready_daemons": "wazuh-modulesd->stopped, wazuh-analysisd->stopped, wazuh-execd->stopped, wazuh-db->stopped, wazuh-remoted->stopped"}, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Some Wazuh daemons are not ready yet in node \"master-node\" (wazuh-modulesd->stopped, wazuh-analysisd->stopped, wazuh-execd->stopped, wazuh-db->stopped, wazuh-remoted->stopped)", "logfile": "WAZUH_HOME/logs/cluster.log"}}}}}`
	if o.err != nil || text(o.res) != want {
		t.Fatalf("daemons down:\n got %s, %v\nwant %s", text(o.res), o.err, want)
	}
}

func TestFrameworkTimeoutIsAnswered3021(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false), "STUB_REQUEST_TIMEOUT=1"), actorsDefaults())
	f.ready(t, 1)
	req := request(t, "wazuh.manager", "get_basic_info", `{"stub_sleep": 3}`, "")
	req.APITimeout = 1 // below the API's 10 s, which a request from the API never is: the stand-in's is 1 s
	o := wait(t, f.executeAsync(context.Background(), req))
	if o.err != nil || !strings.Contains(text(o.res), `"code": 3021`) {
		t.Fatalf("a request slower than its timeout: %s, %v", text(o.res), o.err)
	}
}

func TestRequestTheFrameworkCannotDecodeIsAnError(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	f.ready(t, 1)
	// clusterd's registry knows wazuh.manager.get_status; the stand-in's module does not
	// define it: as_wazuh_object refuses it with a Wazuh exception.
	o := execute(t, f, "wazuh.manager", "get_status", `{}`, "")
	var we *messages.WazuhError
	if !errors.As(o.err, &we) || we.Code != 1000 || !strings.HasPrefix(we.Message(), "Wazuh object cannot be decoded from JSON") {
		t.Fatalf("a function the framework does not have: %s, %v", text(o.res), o.err)
	}
	// A module the stand-in does not have: the ImportError, which as_wazuh_object does not
	// catch, is an unexpected failure.
	o = execute(t, f, "wazuh.agent", "get_agents", `{}`, "")
	if o.err == nil || errors.As(o.err, &we) || o.err.Error() != "the framework failed: No module named 'wazuh.agent'" {
		t.Fatalf("a module the framework does not have: %s, %v", text(o.res), o.err)
	}
	// The process goes on.
	resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", `{}`, ""))
}

func TestProcessKilledMidRequestIsAnsweredAndReplaced(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	first := f.ready(t, 1).PID
	// The authentication pool forks a process of the group: it must not outlive the helper.
	resultDict(t, execute(t, f, "api.authentication", "check_token", `{"username": "wazuh"}`, ""))
	if members := groupMembers(t, first); len(members) < 2 {
		t.Fatalf("processes of the helper's group: %v, want the helper and its pool", members)
	}

	slow := f.executeAsync(context.Background(), request(t, "wazuh.manager", "get_basic_info", `{"stub_sleep": 60}`, ""))
	poll.Until(t, waitTimeout, "the slow request running", func() bool {
		s, err := f.client.Status(time.Second)
		return err == nil && s.InFlight == 1
	})
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	o := wait(t, slow)
	if !errors.Is(o.err, messages.ErrAPIExecutorBroke) || o.err.Error() != "Error 901 - API executor subprocess broke. A service restart may be needed: process "+strconv.Itoa(first)+" ended: signal: killed" {
		t.Fatalf("the request in flight: %s, %v", text(o.res), o.err)
	}
	poll.Until(t, waitTimeout, "the helper's group gone", func() bool { return len(groupMembers(t, first)) == 0 })

	second := f.ready(t, 2).PID
	if second == first {
		t.Fatal("the same process")
	}
	got := resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", `{}`, ""))
	if int(got["pid"].(float64)) != second {
		t.Fatalf("served by %v, want the new process %d", got["pid"], second)
	}
}

func TestSlowRequestDoesNotHoldUpOthers(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	f.ready(t, 1)
	for _, c := range []struct{ name, module, qualname, kwargs, extra string }{
		{"sync", "wazuh.manager", "get_basic_info", `{"stub_sleep": 60}`, ""},
		{"async", "wazuh.cluster", "get_nodes_info", `{"stub_async_sleep": 60}`, `, "is_async": true, "local_client_arg": "lc"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			slow := f.executeAsync(ctx, request(t, c.module, c.qualname, c.kwargs, c.extra+`, "wait_for_complete": true`))
			poll.Until(t, waitTimeout, "the slow request running", func() bool {
				s, err := f.client.Status(time.Second)
				return err == nil && s.InFlight == 1
			})
			for i := 0; i < 3; i++ {
				resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", fmt.Sprintf(`{"n": %d}`, i), ""))
				resultDict(t, execute(t, f, "wazuh.cluster", "get_nodes_info", `{}`, `, "is_async": true`))
			}
			select {
			case o := <-slow:
				t.Fatalf("the slow request ended first: %v", o)
			default:
			}
			cancel()
			if o := wait(t, slow); !errors.Is(o.err, context.Canceled) {
				t.Fatalf("the cancelled request: %v", o.err)
			}
		})
	}
}

func TestStrayOutputDoesNotBreakTheFrames(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	f.ready(t, 1)
	resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", `{"stub_print": true}`, ""))
	poll.Until(t, waitTimeout, "the stray line in clusterd's log", func() bool { return f.logs.contains("a stray line on stdout") })
	if s, _ := f.client.Status(time.Second); s.Starts != 1 {
		t.Fatalf("the process was replaced: %+v", s)
	}
}

func TestAnswerOverTheBoundIsRefusedByTheHelper(t *testing.T) {
	opts := stubOptions(t, stubHome(t, false))
	opts.MaxAnswer = 64 << 10
	f := startFramework(t, opts, actorsDefaults())
	f.ready(t, 1)
	o := execute(t, f, "wazuh.manager", "get_basic_info", `{"stub_size": 1048576}`, "")
	if o.err == nil || !strings.HasPrefix(o.err.Error(), "the framework failed: the answer is ") || !strings.HasSuffix(o.err.Error(), " bytes, more than the 65536 clusterd reads") {
		t.Fatalf("an answer over the bound: %v", o.err)
	}
	resultDict(t, execute(t, f, "wazuh.manager", "get_basic_info", `{"stub_size": 1024}`, ""))
	if s, _ := f.client.Status(time.Second); s.Starts != 1 {
		t.Fatalf("the process was replaced: %+v", s)
	}
}

func TestHostileProcessIsKilledAndReplaced(t *testing.T) {
	py := python3(t)
	hostile, err := filepath.Abs(filepath.Join("testdata", "hostile.py"))
	if err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nexec "+py+" "+hostile+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := startFramework(t, Options{Home: t.TempDir(), Interpreter: wrapper}, actorsDefaults())
	first := f.ready(t, 1).PID
	o := execute(t, f, "wazuh.manager", "get_basic_info", `{}`, "")
	if !errors.Is(o.err, messages.ErrAPIExecutorBroke) || !strings.Contains(o.err.Error(), "a frame of 4294967280 bytes (at most 268435456)") {
		t.Fatalf("an answer announcing 4 GiB: %v", o.err)
	}
	if second := f.ready(t, 2).PID; second == first {
		t.Fatal("the hostile process was not replaced")
	}
}

func TestFrameworkThatCannotBeImportedIsReported(t *testing.T) {
	opts := stubOptions(t, stubHome(t, false))
	opts.Path = []string{t.TempDir()} // no wazuh package there, nor in the system's python3
	f := startFramework(t, opts, actors.FrameworkOptions{BackoffBase: 10 * time.Millisecond, BackoffCap: 100 * time.Millisecond, ReportAfter: 2})
	var s *actors.FrameworkStatus
	poll.Until(t, waitTimeout, "the failures reported", func() bool {
		var err error
		s, err = f.client.Status(time.Second)
		return err == nil && s.Failing
	})
	if s.LastError != "could not start it: the Wazuh framework cannot be imported: ModuleNotFoundError: No module named 'wazuh'" {
		t.Fatalf("status: %+v", s)
	}
	o := execute(t, f, "wazuh.manager", "get_basic_info", `{}`, "")
	if !errors.Is(o.err, messages.ErrAPIPoolBroken) || !strings.Contains(o.err.Error(), "No module named 'wazuh'") {
		t.Fatalf("a request while the framework cannot run: %v", o.err)
	}
	if !f.logs.contains("error [Cluster] [Framework] The Wazuh framework keeps failing") {
		t.Fatalf("not reported:\n%s", f.logs)
	}
}

func TestStopEndsTheProcessAndItsPool(t *testing.T) {
	f := startFramework(t, stubOptions(t, stubHome(t, false)), actorsDefaults())
	pid := f.ready(t, 1).PID
	resultDict(t, execute(t, f, "api.authentication", "check_token", `{"username": "wazuh"}`, ""))
	slow := f.executeAsync(context.Background(), request(t, "wazuh.manager", "get_basic_info", `{"stub_sleep": 60}`, `, "wait_for_complete": true`))
	poll.Until(t, waitTimeout, "the slow request running", func() bool {
		s, err := f.client.Status(time.Second)
		return err == nil && s.InFlight == 1
	})
	start := time.Now()
	f.stop()
	if o := wait(t, slow); !errors.Is(o.err, messages.ErrAPIPoolBroken) {
		t.Fatalf("the request in flight at the stop: %v", o.err)
	}
	// The stop kills the whole group; the kernel ends a killed process shortly after the signal,
	// so the pool's processes are watched going rather than expected gone at the same instant.
	var members []int
	if !poll.Within(waitTimeout, func() bool { members = groupMembers(t, pid); return len(members) == 0 }) {
		t.Fatalf("processes left after the stop: %v", members)
	}
	// The helper exits at the end of its input, without waiting for the running request.
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("the stop took %s: the process was killed after the grace, not closed", took)
	}
}

// groupMembers lists the processes of process group pgid (from /proc), zombies left out.
func groupMembers(t *testing.T, pgid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc here")
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			out = append(out, pid)
		}
	}
	return out
}

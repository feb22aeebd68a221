package nodetest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/nodetest"
)

// requirePython skips a test of the manager's framework where no python3 can run the stand-in.
func requirePython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the manager's framework cannot be stood in for")
	}
}

// runBasicDaemons writes the pid files of the daemons the framework wants running before it
// runs a function (DAPI §2.3), naming the test process, which runs.
func runBasicDaemons(t *testing.T, home string) {
	t.Helper()
	for _, d := range []string{"wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"} {
		name := filepath.Join(home, "var", "run", fmt.Sprintf("%s-%d.pid", d, os.Getpid()))
		if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(fmt.Sprint(os.Getpid())), 0o640); err != nil {
			t.Fatal(err)
		}
	}
}

func decodeRequest(t *testing.T, module, qualname, kwargs string) *dapi.Request {
	t.Helper()
	req, err := dapi.DecodeRequest([]byte(fmt.Sprintf(`{"f": {"__callable__": {"__name__": %q, "__module__": %q, "__qualname__": %q, "__type__": "function"}}, "f_kwargs": %s, "request_type": "local_master"}`,
		qualname, module, qualname, kwargs)))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// In Wazuh mode a node runs node/framework, and its DAPI executor runs natively what clusterd
// implements and everything else with the manager's framework (here the stand-in); a
// standalone node has no such process.
func TestWazuhModeRunsWhatIsNotNativeWithTheManagersFramework(t *testing.T) {
	requirePython(t)
	c := nodetest.Start(t, nodetest.Options{Workers: 1, WazuhDB: true})
	for _, m := range c.Members() {
		runBasicDaemons(t, m.Home)
		m := m
		t.Run(m.Name, func(t *testing.T) {
			framework := actors.NewFrameworkClient(m.Node().Kit())
			nodetest.Eventually(t, 30*time.Second, func() error {
				s, err := framework.Status(time.Second)
				if err != nil || !s.Ready {
					return fmt.Errorf("the framework's process: %+v, %v", s, err)
				}
				return nil
			})
			exec := m.Node().Settings().Services.DAPI
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := exec.Execute(ctx, decodeRequest(t, "api.authentication", "check_token", `{"username": "wazuh", "roles": [1]}`))
			if err != nil || !strings.Contains(string(dapi.EncodeResult(res)), `"function": "api.authentication.check_token"`) {
				t.Fatalf("check_token: %v, %v", res, err)
			}
			res, err = exec.Execute(ctx, decodeRequest(t, "wazuh.cluster", "get_node_wrapper", `{}`))
			if err != nil || !strings.Contains(string(dapi.EncodeResult(res)), `"node": "`+m.Name+`"`) ||
				strings.Contains(string(dapi.EncodeResult(res)), `"function"`) {
				t.Fatalf("get_node_wrapper, a native function: %s, %v", dapi.EncodeResult(res), err)
			}
		})
	}

	standalone := nodetest.Start(t, nodetest.Options{})
	exec := standalone.Master().Node().Settings().Services.DAPI
	_, err := exec.Execute(context.Background(), decodeRequest(t, "api.authentication", "check_token", `{"username": "wazuh"}`))
	if f, _ := dapi.LookupFunction("api.authentication", "check_token"); !dapi.IsNotExecuted(err, f) {
		t.Fatalf("check_token on a standalone node: %v", err)
	}
	if _, err := actors.NewFrameworkClient(standalone.Master().Node().Kit()).Status(time.Second); err == nil {
		t.Fatal("a standalone node runs node/framework")
	}
}

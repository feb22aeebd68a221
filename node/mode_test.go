package node

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

func modeConfig(mode string, standaloneKeys ...string) Config {
	in := config.DefaultInternal()
	in.Clusterd.Mode = mode
	in.Clusterd.StandaloneKeys = standaloneKeys
	return Config{Internal: in}
}

func managerHome(t *testing.T, version, typ string) string {
	t.Helper()
	home := t.TempDir()
	if err := standin.WriteInstall(home, version, typ); err != nil {
		t.Fatal(err)
	}
	return home
}

// The mode follows --mode, else clusterd.mode, whose "auto" means Wazuh mode exactly where a
// Wazuh manager is installed (wazuh-control says TYPE="server").
func TestChooseModeFollowsTheInstallAndTheSwitches(t *testing.T) {
	manager := managerHome(t, "v4.14.7", "server")
	agent := managerHome(t, "v4.14.7", "agent")
	empty := t.TempDir()
	for _, tc := range []struct {
		name, home, flag, file string
		want                   Mode
		why                    string
	}{
		{"auto on a manager", manager, "", "auto", ModeWazuh, "the Wazuh manager v4.14.7 is installed at " + manager},
		{"auto elsewhere", empty, "", "auto", ModeStandalone, "no Wazuh manager is installed at " + empty},
		{"auto on an agent", agent, "", "auto", ModeStandalone, "no Wazuh manager is installed at " + agent},
		{"--mode auto over the file", manager, "auto", "standalone", ModeWazuh, "the Wazuh manager v4.14.7"},
		{"cluster.json wazuh", manager, "", "wazuh", ModeWazuh, `clusterd.mode "wazuh" in cluster.json`},
		{"--mode wazuh", manager, "wazuh", "auto", ModeWazuh, "--mode wazuh"},
		{"--mode standalone", empty, "standalone", "wazuh", ModeStandalone, "--mode standalone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := ChooseMode(tc.home, tc.flag, modeConfig(tc.file))
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			if got.Mode != tc.want || !strings.Contains(got.Why, tc.why) {
				t.Fatalf("got %s (%s), want %s (%s)", got.Mode, got.Why, tc.want, tc.why)
			}
			if (got.Mode == ModeWazuh) != (got.Install.Version == "v4.14.7") {
				t.Fatalf("install %+v", got.Install)
			}
		})
	}
}

// What mixes the two modes is refused, each with a message that says what to do.
func TestChooseModeRefusesWhatMixesTheModes(t *testing.T) {
	manager := managerHome(t, "v4.14.7", "server")
	empty := t.TempDir()
	unreadable := t.TempDir()
	if err := os.MkdirAll(filepath.Join(unreadable, "bin", "wazuh-control"), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, home, flag string
		cfg              Config
		want             []string
	}{
		{"wazuh without a manager", empty, "wazuh", modeConfig("auto"),
			[]string{"Wazuh mode (--mode wazuh) runs clusterd in place of wazuh-clusterd", "is not one", "wazuh-control"}},
		{"standalone on a manager", manager, "", modeConfig("standalone"),
			[]string{`standalone mode (clusterd.mode "standalone" in cluster.json) on the Wazuh manager v4.14.7`, "use --mode wazuh"}},
		{"standalone listeners in Wazuh mode", manager, "", modeConfig("auto", "clusterd.agent_identify_timeout", "clusterd.descriptor_limit"),
			[]string{"Wazuh mode: cluster.json sets clusterd.agent_identify_timeout, clusterd.descriptor_limit", "remove them"}},
		{"an install that cannot be read", unreadable, "", modeConfig("auto"),
			[]string{"cannot tell whether", "choose with --mode wazuh or --mode standalone"}},
		{"an unknown mode", empty, "both", modeConfig("auto"), []string{`mode must be "auto", "wazuh" or "standalone", got "both"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := ChooseMode(tc.home, tc.flag, tc.cfg)
			if len(problems) != 1 || !errors.Is(problems[0], ErrInvalidConfig) {
				t.Fatalf("problems: %v", problems)
			}
			for _, w := range tc.want {
				if !strings.Contains(problems[0].Error(), w) {
					t.Errorf("%q does not say %q", problems[0], w)
				}
			}
		})
	}
	// A manager of another version than the one clusterd announces is a warning: Wazuh's
	// masters would refuse the node.
	newer := managerHome(t, "v4.14.8", "server")
	if got, problems := ChooseMode(newer, "", modeConfig("auto")); len(problems) > 0 || len(got.Warnings) != 1 ||
		!strings.Contains(got.Warnings[0], "is v4.14.8 and clusterd announces version 4.14.7") {
		t.Fatalf("%+v %v", got, problems)
	}
	if got, _ := ChooseMode(manager, "", modeConfig("auto")); len(got.Warnings) != 0 {
		t.Fatalf("warnings for the same version: %v", got.Warnings)
	}
	// The same keys are fine in standalone mode, where they shape the listeners.
	if _, problems := ChooseMode(empty, "", modeConfig("auto", "clusterd.descriptor_limit")); len(problems) > 0 {
		t.Fatalf("standalone keys in standalone mode: %v", problems)
	}
}

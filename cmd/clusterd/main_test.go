package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConf(t *testing.T, cluster string) string {
	t.Helper()
	home := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(home, "etc"), 0o750))
	conf := "<ossec_config>\n  <cluster>\n" + cluster + "  </cluster>\n</ossec_config>\n"
	must(t, os.WriteFile(filepath.Join(home, "etc", "ossec.conf"), []byte(conf), 0o640))
	return home
}

func TestTestFlagPrintsEveryProblem(t *testing.T) {
	home := writeConf(t, `    <name>wazuh</name>
    <node_name>node01</node_name>
    <node_type>boss</node_type>
    <key>short</key>
    <port>80</port>
    <nodes><node>NODE_IP</node></nodes>
    <disabled>no</disabled>
`)
	var out, errOut strings.Builder
	if code := run([]string{"--home", home, "-t"}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	for _, want := range []string{"Key must be 32 characters", "Invalid node type boss", "Port must be higher than 1024", "NODE_IP"} {
		found := false
		for _, l := range lines {
			found = found || (strings.HasPrefix(l, "ERROR: ") && strings.Contains(l, want))
		}
		if !found {
			t.Errorf("no problem line mentions %q:\n%s", want, errOut.String())
		}
	}
}

func TestTestFlagAcceptsValidConfig(t *testing.T) {
	home := writeConf(t, `    <name>wazuh</name>
    <node_name>node01</node_name>
    <node_type>master</node_type>
    <key>c98b62a9b6169ac5f67dae55ae4a9088</key>
    <port>1516</port>
    <nodes><node>10.0.0.1</node></nodes>
    <disabled>no</disabled>
`)
	// As wazuh-clusterd's -t (which wazuh-control runs before every start, also with -j, whose
	// JSON output must not be broken): nothing said when the configuration is valid.
	var out, errOut strings.Builder
	if code := run([]string{"--home", home, "-t"}, &out, &errOut); code != 0 || out.Len() != 0 || errOut.Len() != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errOut.String())
	}
}

func TestDisabledClusterExitsZero(t *testing.T) {
	home := writeConf(t, "    <disabled>yes</disabled>\n")
	var out, errOut strings.Builder
	if code := run([]string{"--home", home}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

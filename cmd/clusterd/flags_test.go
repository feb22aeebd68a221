package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/nodetest/standin"
)

const validCluster = `    <name>wazuh</name>
    <node_name>node01</node_name>
    <node_type>master</node_type>
    <key>c98b62a9b6169ac5f67dae55ae4a9088</key>
    <port>1516</port>
    <nodes><node>10.0.0.1</node></nodes>
    <disabled>no</disabled>
`

// wazuh-clusterd's command lines parse as argparse reads them, one-letter flags grouped or
// not, and clusterd's long flags with one dash or two.
func TestFlagsParseAsWazuhClusterds(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want options
	}{
		{[]string{"-f"}, options{foreground: true}},
		{[]string{"-d"}, options{debug: 1}},
		{[]string{"-d", "-d"}, options{debug: 2}},
		{[]string{"-dd"}, options{debug: 2}},
		{[]string{"-fdd"}, options{foreground: true, debug: 2}},
		{[]string{"-td", "-r"}, options{test: true, debug: 1, root: true}},
		{[]string{"-fc", "/etc/x.conf"}, options{foreground: true, conf: "/etc/x.conf"}},
		{[]string{"-c/etc/x.conf", "-V"}, options{conf: "/etc/x.conf", version: true}},
		{[]string{"-c", "-fd"}, options{conf: "-fd"}},
		{[]string{"-h"}, options{help: true}},
		{[]string{"--help"}, options{help: true}},
		{[]string{"--home", "/var/ossec", "-mode", "wazuh"}, options{home: "/var/ossec", mode: "wazuh"}},
		{[]string{"-home=/opt/x", "--mode=standalone", "--fault-seed", "7", "-pprof", "127.0.0.1:6060"},
			options{home: "/opt/x", mode: "standalone", faultSeed: 7, pprof: "127.0.0.1:6060"}},
	} {
		got, err := parseArgs("wazuh-clusterd", tc.args, io.Discard)
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v", tc.args, got, err, tc.want)
		}
	}
	for _, bad := range [][]string{{"-x"}, {"-fx"}, {"extra"}, {"--mode", "both"}, {"-d=3"}, {"--home"}} {
		var stderr strings.Builder
		if code := run(bad, io.Discard, &stderr); code != 2 ||
			!strings.HasPrefix(stderr.String(), "usage: ") || !strings.Contains(stderr.String(), ": error: ") {
			t.Errorf("%q: exit %d\n%s", bad, code, stderr.String())
		}
	}
}

// -h is wazuh-clusterd's help, its options in its order and words, then clusterd's own.
func TestHelpIsWazuhClusterds(t *testing.T) {
	var out strings.Builder
	if code := run([]string{"-h"}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	text := out.String()
	prog := filepath.Base(os.Args[0])
	want := []string{
		"usage: " + prog + " [-h] [-f] [-d] [-V] [-r] [-t] [-c config]\n",
		"\noptions:\n",
		"  -h, --help        show this help message and exit\n",
		"  -f                Run in foreground\n",
		"  -d                Enable debug messages. Use twice to increase verbosity.\n",
		"  -V                Print version\n",
		"  -r                Run as root\n",
		"  -t                Test configuration\n",
		"  -c config         Configuration file to use\n",
		"\nclusterd options:\n",
		"  --home DIR", "  --mode MODE", "  --pprof ADDR", "  --fault-seed N",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(text, w)
		if i <= last {
			t.Fatalf("%q missing or out of order in:\n%s", w, text)
		}
		last = i
	}
}

// -t refuses what mixes the two modes, each problem on its line, and says nothing of a
// valid Wazuh-mode configuration on a manager.
func TestTestFlagChecksTheMode(t *testing.T) {
	home := writeConf(t, validCluster)
	must(t, standin.WriteInstall(home, "v4.14.7", "server"))
	var out, errOut strings.Builder
	if code := run([]string{"--home", home, "-t"}, &out, &errOut); code != 0 || out.Len()+errOut.Len() != 0 {
		t.Fatalf("a manager in auto mode: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	must(t, os.WriteFile(filepath.Join(home, "etc", "cluster.json"),
		[]byte(`{"clusterd": {"mode": "standalone", "enroll_handshake_timeout": 5}}`), 0o640))
	errOut.Reset()
	if code := run([]string{"--home", home, "-t"}, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "ERROR: invalid cluster configuration: standalone mode (clusterd.mode \"standalone\" in cluster.json) on the Wazuh manager v4.14.7") {
		t.Fatalf("standalone on a manager: exit %d\n%s", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"--home", home, "-t", "--mode", "wazuh"}, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "ERROR: invalid cluster configuration: Wazuh mode: cluster.json sets clusterd.enroll_handshake_timeout") {
		t.Fatalf("standalone keys in Wazuh mode: exit %d\n%s", code, errOut.String())
	}
	plain := writeConf(t, validCluster)
	errOut.Reset()
	if code := run([]string{"--home", plain, "-t", "--mode", "wazuh"}, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "is not one") {
		t.Fatalf("Wazuh mode without a manager: exit %d\n%s", code, errOut.String())
	}
	// Both kinds of problem are listed together.
	bad := writeConf(t, strings.Replace(validCluster, "master</node_type>", "boss</node_type>", 1))
	errOut.Reset()
	if code := run([]string{"--home", bad, "-t", "--mode", "wazuh"}, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "Invalid node type boss") || !strings.Contains(errOut.String(), "is not one") {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

// A Wazuh 4.14.7 manager's own ossec.conf (the package's default, the cluster enabled, and a
// syslog <remote> beside the agents' one) passes -t in Wazuh mode: its <auth> and <remote> are
// the manager's daemons' business.
func TestTestFlagAcceptsARealManagersConfiguration(t *testing.T) {
	conf, err := os.ReadFile("../../node/config/testdata/ossec_manager.conf")
	must(t, err)
	text := strings.NewReplacer("<key></key>", "<key>c98b62a9b6169ac5f67dae55ae4a9088</key>", "NODE_IP", "10.0.0.1",
		"    <disabled>yes</disabled>\n  </cluster>", "    <disabled>no</disabled>\n  </cluster>").Replace(string(conf))
	text = strings.Replace(text, "</ossec_config>", `  <remote>
    <connection>syslog</connection>
    <port>514</port>
    <protocol>udp</protocol>
    <allowed-ips>192.168.0.0/16</allowed-ips>
    <local_ip>192.168.1.10</local_ip>
  </remote>
</ossec_config>`, 1)
	home := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(home, "etc"), 0o750))
	must(t, os.WriteFile(filepath.Join(home, "etc", "ossec.conf"), []byte(text), 0o640))
	must(t, standin.WriteInstall(home, "v4.14.7", "server"))
	var out, errOut strings.Builder
	if code := run([]string{"--home", home, "-t"}, &out, &errOut); code != 0 || out.Len()+errOut.Len() != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

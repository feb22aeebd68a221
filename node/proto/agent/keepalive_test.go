package agentproto

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type keepaliveCase struct {
	Name      string `json:"name"`
	Plaintext string `json:"keepalive_plaintext"`
	Parsed    struct {
		Result     int    `json:"result"`
		Version    string `json:"version"`
		ConfigSum  string `json:"config_sum"`
		MergedSum  string `json:"merged_sum"`
		AgentIP    string `json:"agent_ip"`
		Labels     string `json:"labels"`
		OSName     string `json:"os_name"`
		OSVersion  string `json:"os_version"`
		OSMajor    string `json:"os_major"`
		OSMinor    string `json:"os_minor"`
		OSCodename string `json:"os_codename"`
		OSPlatform string `json:"os_platform"`
		OSBuild    string `json:"os_build"`
		OSUname    string `json:"os_uname"`
		OSArch     string `json:"os_arch"`
	} `json:"parsed"`
}

func TestParseKeepaliveVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(vectorDir, "keepalive_parse.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []keepaliveCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no keepalive cases")
	}
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			k, err := ParseKeepalive([]byte(tc.Plaintext))
			if err != nil {
				t.Fatal(err)
			}
			p := tc.Parsed
			check := func(field, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("version", k.Version, p.Version)
			check("config_sum", k.ConfigSum, p.ConfigSum)
			check("merged_sum", k.MergedSum, p.MergedSum)
			check("agent_ip", k.AgentIP, p.AgentIP)
			check("labels", LabelsText(k.Labels), p.Labels)
			check("uname", k.Uname, p.OSUname)
			check("os_name", k.OS.Name, p.OSName)
			check("os_version", k.OS.Version, p.OSVersion)
			check("os_major", k.OS.Major, p.OSMajor)
			check("os_minor", k.OS.Minor, p.OSMinor)
			check("os_codename", k.OS.Codename, p.OSCodename)
			check("os_platform", k.OS.Platform, p.OSPlatform)
			check("os_build", k.OS.Build, p.OSBuild)
			check("os_uname", k.OS.Uname, p.OSUname)
			check("os_arch", k.OS.Arch, p.OSArch)
		})
	}
}

func TestParseKeepaliveLabels(t *testing.T) {
	k, err := ParseKeepalive([]byte("#!-Linux - Wazuh v4.14.7\n\"a\":1\n!\"b\":2\n#\"c\":3\n#!\"d\":x:y\n#\"_agent_ip\":10.0.0.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Label{{Key: "a", Value: "1"}, {Key: "b", Value: "2", Hidden: true}, {Key: "c", Value: "3", System: true}, {Key: "d", Value: "x:y", System: true, Hidden: true}}
	if len(k.Labels) != len(want) {
		t.Fatalf("labels = %+v", k.Labels)
	}
	for i := range want {
		if k.Labels[i] != want[i] {
			t.Errorf("label %d = %+v, want %+v", i, k.Labels[i], want[i])
		}
	}
	if k.AgentIP != "10.0.0.1" {
		t.Errorf("agent ip %q", k.AgentIP)
	}
}

func TestParseKeepaliveEdges(t *testing.T) {
	if _, err := ParseKeepalive([]byte("#!-Linux - Wazuh v4.14.7")); !errors.Is(err, ErrNoNewline) {
		t.Errorf("no newline: %v", err)
	}
	// Text after the last newline is ignored; so is anything after a NUL.
	k, err := ParseKeepalive([]byte("#!-Linux - Wazuh v4.14.7 / abc\nx merged.mg\n#\"_agent_ip\":1.2.3.4"))
	if err != nil || k.AgentIP != "" || k.MergedSum != "x" || k.ConfigSum != "abc" {
		t.Errorf("tail: %+v %v", k, err)
	}
	if _, err := ParseKeepalive([]byte("#!-Linux - Wazuh\x00\n")); !errors.Is(err, ErrNoNewline) {
		t.Errorf("NUL before newline: %v", err)
	}
	// Without " / " the version is taken from the word "Wazuh" on.
	k, _ = ParseKeepalive([]byte("#!-Linux - junk Wazuh v4.9.0\n"))
	if k.Version != "Wazuh v4.9.0" || k.ConfigSum != "" {
		t.Errorf("version fallback: %+v", k)
	}
	// Invalid UTF-8 is replaced, not kept.
	k, _ = ParseKeepalive([]byte("#!-Linux - Wazuh\n\"k\":\xff\n"))
	if len(k.Labels) != 1 || k.Labels[0].Value != "\uFFFD" {
		t.Errorf("utf8: %+v", k.Labels)
	}
	// A merged.mg line with another file name is not a merged sum.
	k, _ = ParseKeepalive([]byte("#!-Linux - Wazuh\nabc other.txt\n"))
	if k.MergedSum != "" {
		t.Errorf("merged sum from other file: %q", k.MergedSum)
	}
}

func TestParseUnameVariants(t *testing.T) {
	cases := []struct {
		uname string
		want  OSInfo
	}{
		{"Linux |h |5.14 |#1 |x86_64 [SUSE Linux Enterprise Server|sles: 15-SP7]", OSInfo{Name: "SUSE Linux Enterprise Server", Platform: "sles", Version: "15-SP7", Major: "15", Minor: "7", Uname: "Linux |h |5.14 |#1 |x86_64", Arch: "x86_64"}},
		{"Linux |h |5 |#1 |i686 [CentOS]", OSInfo{Name: "CentOS", Uname: "Linux |h |5 |#1 |i686", Arch: "i686"}},
		{"Microsoft Windows Server 2019 [Ver: 10.0.17763", OSInfo{Name: "Microsoft Windows Server 2019", Platform: "windows", Version: "10.0.1776", Major: "10", Minor: "0", Build: "1776", Uname: "Microsoft Windows Server 2019"}},
		{"Linux h 5 #1 mips", OSInfo{Uname: "Linux h 5 #1 mips"}},
		{"X [", OSInfo{Uname: "X"}},
		{"X [a: ", OSInfo{Uname: "X", Name: "a"}},
	}
	for _, tc := range cases {
		if got := parseUname(tc.uname); got != tc.want {
			t.Errorf("parseUname(%q)\n got %+v\nwant %+v", tc.uname, got, tc.want)
		}
	}
}

// EncodeKeepalive reproduces vector 03 and parses back to its inputs.
func TestEncodeKeepalive(t *testing.T) {
	f := loadVectors(t)
	uname := "Linux |vec-agent |6.1.0-18-amd64 |#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)]"
	got := EncodeKeepalive(uname, "Wazuh v4.14.7", "d6e3ac3e75ca0319af3e7c262776f331",
		[]Label{{Key: "env", Value: "staging"}}, "ab73af41699f13fdd81903b5f23d8d00", "10.0.2.15")
	if string(got) != f.vector(t, "03_").Plaintext {
		t.Fatalf("EncodeKeepalive =\n%q\nwant\n%q", got, f.vector(t, "03_").Plaintext)
	}
	bare := EncodeKeepalive("Linux |bare |6.1.0 |#1 SMP |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)]", "Wazuh v4.14.7", "", nil, "", "")
	if want := "#!-Linux |bare |6.1.0 |#1 SMP |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)] - Wazuh v4.14.7\nx merged.mg\n"; string(bare) != want {
		t.Fatalf("bare keepalive %q", bare)
	}
	labels := []Label{{Key: "a", Value: "1", System: true, Hidden: true}}
	k, err := ParseKeepalive(EncodeKeepalive("Linux", "Wazuh v4.14.7", "c", labels, "m", "1.2.3.4"))
	if err != nil || k.Version != "Wazuh v4.14.7" || k.ConfigSum != "c" || k.MergedSum != "m" || k.AgentIP != "1.2.3.4" || len(k.Labels) != 1 || k.Labels[0] != labels[0] {
		t.Fatalf("round trip: %+v %v", k, err)
	}
}

package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const validKey = "c98b62a9b6169ac5f67dae55ae4a9088"

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// wrap puts a <cluster> body into a one-block ossec.conf.
func wrap(clusterBody string) []byte {
	return []byte("<ossec_config>\n<cluster>\n" + clusterBody + "\n</cluster>\n</ossec_config>\n")
}

func mustParse(t *testing.T, data []byte) (Cluster, []string) {
	t.Helper()
	c, warnings, err := ParseOSSECConf(data)
	if err != nil {
		t.Fatalf("ParseOSSECConf: %v", err)
	}
	return c, warnings
}

func TestDefaultCluster(t *testing.T) {
	want := Cluster{
		Name: "wazuh", NodeName: "node01", NodeType: "master", Key: "", Port: 1516,
		BindAddr: "0.0.0.0", Nodes: []string{"NODE_IP"}, Hidden: "no", Disabled: false,
	}
	if got := DefaultCluster(); !reflect.DeepEqual(got, want) {
		t.Fatalf("DefaultCluster() = %+v, want %+v", got, want)
	}
}

func TestParseOSSECConfManagerTemplate(t *testing.T) {
	c, warnings := mustParse(t, readTestdata(t, "ossec_manager.conf"))
	want := DefaultCluster()
	want.Disabled = true // the template ships <disabled>yes</disabled>
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if len(warnings) != 0 {
		t.Fatalf("unexpected warnings %q", warnings)
	}
}

func TestParseOSSECConfWithoutClusterSectionIsDisabledDefaults(t *testing.T) {
	for name, data := range map[string]string{
		"empty":                       "",
		"other sections":              "<ossec_config><global><logall>no</logall></global></ossec_config>",
		"cluster not in ossec_config": "<cluster><name>x</name></cluster>",
		"nested too deep":             "<ossec_config><wodle><cluster><name>x</name></cluster></wodle></ossec_config>",
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := mustParse(t, []byte(data))
			want := DefaultCluster()
			want.Disabled = true
			if !reflect.DeepEqual(c, want) {
				t.Fatalf("got %+v, want %+v", c, want)
			}
		})
	}
}

func TestParseOSSECConfLastClusterBlockWins(t *testing.T) {
	c, warnings := mustParse(t, readTestdata(t, "ossec_worker.conf"))
	want := Cluster{
		Name: "production", NodeName: "worker-01", NodeType: "worker", Key: validKey, Port: 1516,
		BindAddr: "0.0.0.0", Nodes: []string{"10.0.0.1"}, Hidden: "no", Disabled: false,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if !reflect.DeepEqual(warnings, []string{warnMultipleSections}) {
		t.Fatalf("warnings = %q", warnings)
	}
}

func TestParseOSSECConfLastBlockReplacesWholeSection(t *testing.T) {
	// Wazuh does not merge <cluster> blocks: an option only in an earlier block is lost.
	data := []byte(`<ossec_config><cluster><node_name>first</node_name><port>1600</port></cluster></ossec_config>
<ossec_config><cluster><node_name>second</node_name></cluster></ossec_config>
<ossec_config><cluster><node_name>third</node_name></cluster></ossec_config>`)
	c, warnings := mustParse(t, data)
	if c.NodeName != "third" || c.Port != 1516 {
		t.Fatalf("got node_name %q port %d, want third and the default port", c.NodeName, c.Port)
	}
	if len(warnings) != 2 {
		t.Fatalf("want one warning per replaced block, got %q", warnings)
	}
}

func TestParseOSSECConfToleratesWhatWazuhCleansUp(t *testing.T) {
	// Junk between blocks, "--" in comments, a bare "&" or "<", and entities Wazuh does not
	// define (kept as text) all pass Wazuh's load_wazuh_xml.
	data := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE whatever>
stray text & more < text
<!-- a comment -- with double dashes -->
<ossec_config>
  <!-- <cluster><name>commented</name></cluster> -->
  <cluster>
    <name>a&amp;b&backslash;c&nbsp;</name>
    <node_name>n&lt;1&gt;</node_name>
    <key>` + validKey + `</key>
    <nodes><node>10.0.0.9</node></nodes>
  </cluster>
</ossec_config>
trailing junk`)
	c, _ := mustParse(t, data)
	if c.Name != `a&b\c&nbsp;` || c.NodeName != "n<1>" || c.Key != validKey || c.Nodes[0] != "10.0.0.9" {
		t.Fatalf("got %+v", c)
	}
}

func TestParseOSSECConfInsideABlock(t *testing.T) {
	c, _ := mustParse(t, wrap(`
    <NAME>first</NAME>
    <Name>  second  </Name>
    <node_type>worker</node_type>
    <nodes><node>10.0.0.1</node><node></node></nodes>
    <nodes>
        <node>10.0.0.2</node>
    </nodes>
    <port>01600</port>`))
	if c.Name != "second" {
		t.Errorf("name = %q, want the last value, trimmed", c.Name)
	}
	if want := []string{"10.0.0.1", "10.0.0.2"}; !reflect.DeepEqual(c.Nodes, want) {
		t.Errorf("nodes = %q, want %q (empty <node> dropped, <nodes> lists joined)", c.Nodes, want)
	}
	if c.Port != 1600 {
		t.Errorf("port = %d", c.Port)
	}
}

func TestParseOSSECConfMissingAndEmptyOptions(t *testing.T) {
	c, _ := mustParse(t, wrap(`<name></name><node_name/><key></key><port></port><bind_addr></bind_addr><nodes></nodes>`))
	want := DefaultCluster()
	// Wazuh's C parser refuses an empty name or node name; they are kept so Validate reports them.
	want.Name, want.NodeName = "", ""
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

func TestParseOSSECConfClientBecomesWorker(t *testing.T) {
	c, warnings := mustParse(t, wrap(`<node_type>client</node_type>`))
	if c.NodeType != NodeTypeWorker {
		t.Fatalf("node_type = %q, want worker", c.NodeType)
	}
	if !reflect.DeepEqual(warnings, []string{"Deprecated node type 'client'. Using 'worker' instead."}) {
		t.Fatalf("warnings = %q", warnings)
	}
}

func TestParseOSSECConfYesNo(t *testing.T) {
	for _, tc := range []struct {
		body     string
		disabled bool
		hidden   string
	}{
		{"<disabled>yes</disabled><hidden>yes</hidden>", true, "yes"},
		{"<disabled>no</disabled><hidden>no</hidden>", false, "no"},
		{"", false, "no"},
	} {
		c, _ := mustParse(t, wrap(tc.body))
		if c.Disabled != tc.disabled || c.Hidden != tc.hidden {
			t.Errorf("%s: disabled %v hidden %q", tc.body, c.Disabled, c.Hidden)
		}
	}
}

func TestParseOSSECConfRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		sentinel error
		message  string
	}{
		{"port not digits", "<port>15a16</port>", ErrInvalidPort,
			"Error in cluster configuration: Cluster port must be an integer."},
		{"negative port", "<port>-1516</port>", ErrInvalidPort,
			"Error in cluster configuration: Cluster port must be an integer."},
		{"disabled", "<disabled>true</disabled>", ErrInvalidDisabled,
			"Error in cluster configuration: Allowed values for 'disabled' field are 'yes' and 'no'. Found: 'true'"},
		{"disabled empty", "<disabled></disabled>", ErrInvalidDisabled,
			"Error in cluster configuration: Allowed values for 'disabled' field are 'yes' and 'no'. Found: ''"},
		{"hidden", "<hidden>maybe</hidden>", ErrInvalidHidden,
			"Error in cluster configuration: Invalid value for element 'hidden': maybe."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseOSSECConf(wrap(tc.body))
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Code != 3004 {
				t.Fatalf("err = %#v, want a 3004 ValidationError", err)
			}
			if err.Error() != tc.message {
				t.Fatalf("message\n got %q\nwant %q", err.Error(), tc.message)
			}
		})
	}
}

func TestParseOSSECConfHugePortIsLeftToValidate(t *testing.T) {
	c, _ := mustParse(t, wrap("<port>99999999999999999999999</port>"))
	problems, _ := c.Validate()
	if !containsSentinel(problems, ErrInvalidPort) {
		t.Fatalf("port %d passed validation: %v", c.Port, problems)
	}
}

func TestParseOSSECConfBadValueInReplacedBlockIsIgnored(t *testing.T) {
	data := append(wrap("<port>abc</port><disabled>maybe</disabled>"), wrap("<port>1516</port>")...)
	if _, _, err := ParseOSSECConf(data); err != nil {
		t.Fatalf("Wazuh converts only the winning block, got %v", err)
	}
}

func TestParseOSSECConfUnknownOptions(t *testing.T) {
	for _, tc := range []struct {
		body string
		name string
	}{
		{"<nmae>wazuh</nmae>", "'nmae' in <cluster>"},
		{"<nodes><node>a</node><nod>b</nod></nodes>", "'nod' in <cluster><nodes>"},
		{"<haproxy_helper><haproxy_disabled>no</haproxy_disabled><frequncy>60</frequncy></haproxy_helper>",
			"'frequncy' in <cluster><haproxy_helper>"},
	} {
		_, _, err := ParseOSSECConf(wrap(tc.body))
		if !errors.Is(err, ErrUnknownOption) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: err = %v, want ErrUnknownOption naming %s", tc.body, err, tc.name)
		}
	}
	// Wazuh's C parser reads every block, so an unknown option is refused even when replaced.
	data := append(wrap("<bogus>1</bogus>"), wrap("")...)
	if _, _, err := ParseOSSECConf(data); !errors.Is(err, ErrUnknownOption) {
		t.Errorf("unknown option in a replaced block: err = %v", err)
	}
}

func TestParseOSSECConfAcceptsDeprecatedOptionsWithWarnings(t *testing.T) {
	c, warnings := mustParse(t, wrap(`<interval>2m</interval><socket_timeout>10</socket_timeout>
<connection_timeout>5</connection_timeout><node_name>n1</node_name>`))
	if c.NodeName != "n1" {
		t.Fatalf("node_name = %q", c.NodeName)
	}
	want := []string{
		"Detected a deprecated configuration for cluster. Interval option is not longer available.",
		deprecatedOptions["socket_timeout"],
		deprecatedOptions["connection_timeout"],
	}
	if !reflect.DeepEqual(warnings, want) {
		t.Fatalf("warnings = %q, want %q", warnings, want)
	}
}

func TestParseOSSECConfAcceptsHAProxyHelper(t *testing.T) {
	c, warnings := mustParse(t, wrap(`<node_name>m</node_name>
<haproxy_helper>
  <haproxy_disabled>no</haproxy_disabled>
  <haproxy_address>wazuh-proxy</haproxy_address>
  <haproxy_user>haproxy</haproxy_user>
  <haproxy_password>secret</haproxy_password>
  <frequency>60</frequency>
  <excluded_nodes><node>w9</node></excluded_nodes>
</haproxy_helper>`))
	if c.NodeName != "m" || !reflect.DeepEqual(warnings, []string{warnHAProxyIgnored}) {
		t.Fatalf("got %+v, warnings %q", c, warnings)
	}
}

func TestParseOSSECConfMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		data     string
		sentinel error
	}{
		"unclosed block":       {"<ossec_config><cluster><name>x</name>", ErrMalformedXML},
		"mismatched tag":       {"<ossec_config><cluster><name>x</node_name></cluster></ossec_config>", ErrMalformedXML},
		"unclosed comment":     {"<ossec_config><!-- <cluster></cluster></ossec_config>", ErrMalformedXML},
		"element in a value":   {string(wrap("<name><b>x</b></name>")), ErrMalformedOption},
		"unterminated in text": {string(wrap("<name>x")), ErrMalformedXML},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := ParseOSSECConf([]byte(tc.data)); !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
		})
	}
}

func TestLoadOSSECConf(t *testing.T) {
	dir := t.TempDir()
	path := OSSECConfPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, readTestdata(t, "ossec_worker.conf"), 0o640); err != nil {
		t.Fatal(err)
	}
	c, _, err := LoadOSSECConf(path)
	if err != nil || c.NodeName != "worker-01" {
		t.Fatalf("LoadOSSECConf = %+v, %v", c, err)
	}

	if _, _, err := LoadOSSECConf(filepath.Join(dir, "absent.conf")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: err = %v", err)
	}

	bad := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(bad, wrap("<port>x</port>"), 0o640); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadOSSECConf(bad)
	if !errors.Is(err, ErrInvalidPort) || !strings.Contains(err.Error(), bad) {
		t.Fatalf("bad file: err = %v, want ErrInvalidPort naming the file", err)
	}
}

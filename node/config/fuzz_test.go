package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// addTestdataSeeds seeds f with every testdata file matching pattern: the Wazuh files the
// parsers are meant for.
func addTestdataSeeds(f *testing.F, pattern string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParseOSSECConf(f *testing.F) {
	addTestdataSeeds(f, "*.conf")
	for _, seed := range []string{
		"",
		"<ossec_config><cluster></cluster></ossec_config>",
		string(wrap("<node_type>client</node_type><port>99999999999999999999</port>")),
		string(wrap("<nodes><node>a</node><node/></nodes><haproxy_helper><frequency>1</frequency></haproxy_helper>")),
		string(wrap("<interval>2m</interval><name>a&b&amp;&backslash;<</name>")),
		"<!-- -- --><ossec_config><cluster><name><x/></name></cluster></ossec_config>",
		"<ossec_config><cluster><name>x</node_name></cluster>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := ParseOSSECConf(data)
		if err != nil {
			return
		}
		if len(c.Nodes) == 0 {
			t.Fatalf("parsed cluster has no nodes: %+v", c)
		}
		if c.Hidden != "yes" && c.Hidden != "no" {
			t.Fatalf("hidden %q passed the parser", c.Hidden)
		}
		problems, _ := c.Validate()
		for _, p := range problems {
			var verr *ValidationError
			if !errors.As(p, &verr) || verr.Code != ErrorCodeClusterConfig {
				t.Fatalf("problem %v is not a 3004 ValidationError", p)
			}
		}
	})
}

func FuzzParseInternal(f *testing.F) {
	addTestdataSeeds(f, "*.json")
	for _, seed := range []string{
		"", "{}", "[]", "null", `{"intervals": null}`,
		`{"intervals": {"worker": {"keep_alive": 1e300, "max_failed_keepalive_attempts": 2.5}}}`,
		`{"intervals": {"communication": {"max_zip_size": -9223372036854775808}}}`,
		`{"clusterd": {"gossip": {"port": 1e20}, "metrics_addr": "x"}}`,
		`{"files": {}, "haproxy_x": 1, "distributed_api": {"enabled": true, "x": []}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInternal(data)
		if err != nil {
			return
		}
		for _, p := range in.Validate() {
			if !errors.Is(p, ErrInvalidInternal) {
				t.Fatalf("problem %v does not wrap ErrInvalidInternal", p)
			}
		}
	})
}

package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func validCluster() Cluster {
	c := DefaultCluster()
	c.Key = validKey
	c.Nodes = []string{"10.0.0.1"}
	return c
}

func containsSentinel(errs []error, sentinel error) bool {
	for _, err := range errs {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}

func messages(errs []error) []string {
	out := make([]string, len(errs))
	for i, err := range errs {
		out[i] = err.Error()
	}
	return out
}

func TestValidateAcceptsAValidCluster(t *testing.T) {
	for _, mutate := range []func(*Cluster){
		func(*Cluster) {},
		func(c *Cluster) { c.NodeType = NodeTypeWorker },
		func(c *Cluster) { c.Port = 1025 },
		func(c *Cluster) { c.Port = 65534 },
		func(c *Cluster) { c.Key = strings.Repeat("_", 32) },
		func(c *Cluster) { c.Hidden = "yes" },
		func(c *Cluster) { c.Name = `!"#$%&'-.:<=>?[\]^_{|}~AZaz09` },
	} {
		c := validCluster()
		mutate(&c)
		if problems, warnings := c.Validate(); len(problems) != 0 || len(warnings) != 0 {
			t.Errorf("%+v: problems %q, warnings %q", c, messages(problems), warnings)
		}
	}
}

func TestValidateMessages(t *testing.T) {
	const prefix = "Error in cluster configuration: "
	for _, tc := range []struct {
		name     string
		mutate   func(*Cluster)
		sentinel error
		detail   string
	}{
		{"empty key", func(c *Cluster) { c.Key = "" }, ErrUnspecifiedKey, "Unspecified key"},
		{"short key", func(c *Cluster) { c.Key = "abc" }, ErrInvalidKey,
			"Key must be 32 characters long and only have alphanumeric characters"},
		{"key with a dash", func(c *Cluster) { c.Key = "c98b62a9b6169ac5f67dae55ae4a908-" }, ErrInvalidKey,
			"Key must be 32 characters long and only have alphanumeric characters"},
		{"key of 33", func(c *Cluster) { c.Key = validKey + "0" }, ErrInvalidKey,
			"Key must be 32 characters long and only have alphanumeric characters"},
		{"node type", func(c *Cluster) { c.NodeType = "client" }, ErrInvalidNodeType,
			"Invalid node type client. Correct values are master and worker"},
		{"empty node type", func(c *Cluster) { c.NodeType = "" }, ErrInvalidNodeType,
			"Invalid node type . Correct values are master and worker"},
		{"port 1024", func(c *Cluster) { c.Port = 1024 }, ErrInvalidPort,
			"Port must be higher than 1024 and lower than 65535."},
		{"port 65535", func(c *Cluster) { c.Port = 65535 }, ErrInvalidPort,
			"Port must be higher than 1024 and lower than 65535."},
		{"no nodes", func(c *Cluster) { c.Nodes = nil }, ErrNoNodes, "No nodes defined in cluster configuration."},
		{"NODE_IP", func(c *Cluster) { c.Nodes = []string{"NODE_IP"} }, ErrReservedNode,
			"Invalid elements in node fields: NODE_IP."},
		{"reserved", func(c *Cluster) { c.Nodes = []string{"localhost", "10.0.0.1", "127.0.1.1", "localhost", "0.0.0.0"} },
			ErrReservedNode, "Invalid elements in node fields: localhost, 127.0.1.1, 0.0.0.0."},
		{"empty name", func(c *Cluster) { c.Name = "" }, ErrInvalidName, "Cluster name is empty in configuration"},
		{"name with a space", func(c *Cluster) { c.Name = "my cluster" }, ErrInvalidName,
			`Detected a not allowed character in cluster name: "my cluster". Characters allowed: "` + nameCharacters + `".`},
		{"empty node name", func(c *Cluster) { c.NodeName = "" }, ErrInvalidNodeName, "Node name is empty in configuration"},
		{"node name with a slash", func(c *Cluster) { c.NodeName = "a/b" }, ErrInvalidNodeName,
			`Detected a not allowed character in node name: "a/b". Characters allowed: "` + nameCharacters + `".`},
		{"node name not ASCII", func(c *Cluster) { c.NodeName = "nodé" }, ErrInvalidNodeName,
			`Detected a not allowed character in node name: "nodé". Characters allowed: "` + nameCharacters + `".`},
		{"hidden", func(c *Cluster) { c.Hidden = "" }, ErrInvalidHidden, "Invalid value for element 'hidden': ."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCluster()
			tc.mutate(&c)
			problems, _ := c.Validate()
			if len(problems) != 1 {
				t.Fatalf("want one problem, got %q", messages(problems))
			}
			err := problems[0]
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("%v is not %v", err, tc.sentinel)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Code != ErrorCodeClusterConfig || verr.Detail != tc.detail {
				t.Errorf("got %#v, want code 3004 and detail %q", err, tc.detail)
			}
			if err.Error() != prefix+tc.detail {
				t.Errorf("message\n got %q\nwant %q", err.Error(), prefix+tc.detail)
			}
		})
	}
}

func TestValidateNameCharactersMatchWazuh(t *testing.T) {
	// cluster-config.c's C_VALID, as a set: printable ASCII without space ( ) * + , / ; @ and `.
	for b := 0; b < 256; b++ {
		c := validCluster()
		c.Name = string([]byte{byte(b)})
		problems, _ := c.Validate()
		allowed := b > ' ' && b < 0x7f && !strings.ContainsRune("()*+,/;@`", rune(b))
		if allowed == (len(problems) != 0) {
			t.Errorf("byte %#x: allowed %v, problems %q", b, allowed, messages(problems))
		}
	}
}

func TestValidateReportsEveryProblemInWazuhOrder(t *testing.T) {
	c := Cluster{
		Name: "", NodeName: "bad name", NodeType: "boss", Key: "short", Port: 80,
		Nodes: []string{"NODE_IP", "10.0.0.1"}, Hidden: "maybe",
	}
	problems, warnings := c.Validate()
	want := []error{
		ErrInvalidKey, ErrInvalidNodeType, ErrInvalidPort, ErrReservedNode,
		ErrInvalidName, ErrInvalidNodeName, ErrInvalidHidden,
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems %q, want %d", len(problems), messages(problems), len(want))
	}
	for i, sentinel := range want {
		if !errors.Is(problems[i], sentinel) {
			t.Errorf("problem %d = %v, want %v", i, problems[i], sentinel)
		}
	}
	wantWarnings := []string{
		"Found more than one node in configuration. Only master node should be specified. Using NODE_IP as master.",
	}
	if !reflect.DeepEqual(warnings, wantWarnings) {
		t.Errorf("warnings = %q, want %q", warnings, wantWarnings)
	}
}

func TestValidateTheShippedTemplate(t *testing.T) {
	// The package's ossec.conf fails validation exactly as Wazuh's does until it is edited.
	c, _ := mustParse(t, readTestdata(t, "ossec_manager.conf"))
	problems, _ := c.Validate()
	want := []string{
		"Error in cluster configuration: Unspecified key",
		"Error in cluster configuration: Invalid elements in node fields: NODE_IP.",
	}
	if !reflect.DeepEqual(messages(problems), want) {
		t.Fatalf("got %q, want %q", messages(problems), want)
	}
}

// Several <nodes> are valid: master-eligible nodes on a master, the addresses to try on a
// worker; the warning says what clusterd does with them.
func TestValidateSeveralNodesSaysWhatTheyMean(t *testing.T) {
	for typ, want := range map[string]string{
		NodeTypeMaster: "Found more than one node in configuration: 10.0.0.1, 10.0.0.2 are master-eligible, one of them acts as master (in Wazuh mode, 10.0.0.1 is the master).",
		NodeTypeWorker: "Found more than one node in configuration: the worker connects to whichever of 10.0.0.1, 10.0.0.2 acts as master.",
	} {
		c := validCluster()
		c.NodeType = typ
		c.Nodes = []string{"10.0.0.1", "10.0.0.2"}
		problems, warnings := c.Validate()
		if len(problems) != 0 || !reflect.DeepEqual(warnings, []string{want}) {
			t.Errorf("%s: problems %q, warnings %q", typ, messages(problems), warnings)
		}
	}
}

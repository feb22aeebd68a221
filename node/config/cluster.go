package config

import "path/filepath"

// Node types. Wazuh still reads the pre-3.x name "client" and turns it into "worker".
const (
	NodeTypeMaster = "master"
	NodeTypeWorker = "worker"

	nodeTypeLegacyClient = "client"
)

// Cluster is the <cluster> section of ossec.conf after Wazuh's defaults have been applied.
type Cluster struct {
	Name     string   // <name>: cluster name, must match on every node (hello, 3030)
	NodeName string   // <node_name>: unique per cluster
	NodeType string   // <node_type>: "master" or "worker"
	Key      string   // <key>: 32 characters, the Fernet key material
	Port     int      // <port>: TCP port of the master (1516)
	BindAddr string   // <bind_addr>: address the master listens on
	Nodes    []string // <nodes><node>: the master's address; only the first is used
	// Hidden stays "yes"/"no" text as in Wazuh: analysisd reads it to drop the cluster name and
	// node from alerts; the cluster protocol itself never uses it.
	Hidden   string
	Disabled bool // <disabled>
}

// DefaultCluster returns the values Wazuh's read_cluster_config gives to options missing from a
// <cluster> section that exists. With no section at all Wazuh uses the same values but marks the
// cluster disabled; ParseOSSECConf does that.
func DefaultCluster() Cluster {
	return Cluster{
		Name:     "wazuh",
		NodeName: "node01",
		NodeType: NodeTypeMaster,
		Key:      "",
		Port:     1516,
		BindAddr: "0.0.0.0",
		Nodes:    []string{"NODE_IP"},
		Hidden:   "no",
		Disabled: false,
	}
}

// OSSECConfPath is where a Wazuh installation rooted at home keeps ossec.conf.
func OSSECConfPath(home string) string {
	return filepath.Join(home, "etc", "ossec.conf")
}

// InternalPath is where clusterd reads cluster.json under an installation rooted at home.
func InternalPath(home string) string {
	return filepath.Join(home, "etc", "cluster.json")
}

package config

import (
	"fmt"
	"strings"
)

const (
	keyLength = 32
	// Wazuh's check is 1024 < port < 65535, both ends excluded.
	minPortExclusive = 1024
	maxPortExclusive = 65535
)

// nameCharacters is C_VALID from Wazuh's src/config/cluster-config.c, spelled as Wazuh spells it
// (with its doubled E) because it is printed in the error message.
const nameCharacters = "!\"#$%&'-.0123456789:<=>?ABCDEFGHIJKLMNOPQRESTUVWXYZ[\\]^_abcdefghijklmnopqrstuvwxyz{|}~"

// reservedNodes are the placeholders and loopback names check_cluster_config refuses in <nodes>.
var reservedNodes = map[string]bool{"localhost": true, "NODE_IP": true, "0.0.0.0": true, "127.0.1.1": true}

// Validate reports every problem with the configuration, not just the first, each as a
// *ValidationError with Wazuh's wording. The checks of Wazuh's check_cluster_config come first,
// in its order; then those its C parser (cluster-config.c) makes on the name, node name and
// hidden. warnings holds what Wazuh only logs.
func (c Cluster) Validate() (problems []error, warnings []string) {
	add := func(sentinel error, detail string) {
		problems = append(problems, newValidationError(sentinel, detail))
	}

	switch {
	case c.Key == "":
		add(ErrUnspecifiedKey, "Unspecified key")
	case !isClusterKey(c.Key):
		add(ErrInvalidKey, "Key must be 32 characters long and only have alphanumeric characters")
	}
	if c.NodeType != NodeTypeMaster && c.NodeType != NodeTypeWorker {
		add(ErrInvalidNodeType, fmt.Sprintf("Invalid node type %s. Correct values are master and worker", c.NodeType))
	}
	if c.Port <= minPortExclusive || c.Port >= maxPortExclusive {
		add(ErrInvalidPort, fmt.Sprintf("Port must be higher than %d and lower than %d.", minPortExclusive, maxPortExclusive))
	}
	switch {
	case len(c.Nodes) > 1 && c.NodeType == NodeTypeMaster:
		// clusterd replicates the master between the nodes listed (standalone mode); Wazuh's
		// text below would say the opposite.
		warnings = append(warnings, fmt.Sprintf(
			"Found more than one node in configuration: %s are master-eligible, one of them acts as master (in Wazuh mode, %s is the master).",
			strings.Join(c.Nodes, ", "), c.Nodes[0]))
	case len(c.Nodes) > 1 && c.NodeType == NodeTypeWorker:
		warnings = append(warnings, fmt.Sprintf(
			"Found more than one node in configuration: the worker connects to whichever of %s acts as master.", strings.Join(c.Nodes, ", ")))
	case len(c.Nodes) > 1:
		warnings = append(warnings, fmt.Sprintf(
			"Found more than one node in configuration. Only master node should be specified. Using %s as master.", c.Nodes[0]))
	}
	if len(c.Nodes) == 0 {
		// Wazuh's reader always supplies NODE_IP, so only a Cluster built in code gets here;
		// the text is the one older Wazuh releases used for it.
		add(ErrNoNodes, "No nodes defined in cluster configuration.")
	}
	if reserved := reservedIn(c.Nodes); len(reserved) > 0 {
		add(ErrReservedNode, fmt.Sprintf("Invalid elements in node fields: %s.", strings.Join(reserved, ", ")))
	}

	if detail := checkCName(c.Name, "Cluster name", "cluster name"); detail != "" {
		add(ErrInvalidName, detail)
	}
	if detail := checkCName(c.NodeName, "Node name", "node name"); detail != "" {
		add(ErrInvalidNodeName, detail)
	}
	if c.Hidden != "yes" && c.Hidden != "no" {
		problems = append(problems, hiddenError(c.Hidden))
	}
	return problems, warnings
}

// isClusterKey is Wazuh's InputValidator check_name (`\w+`, whole string) plus the length of 32.
// It is limited to ASCII: the key's bytes become the Fernet key, which must be 32 bytes.
func isClusterKey(key string) bool {
	if len(key) != keyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		b := key[i]
		if b != '_' && (b < '0' || b > '9') && (b < 'A' || b > 'Z') && (b < 'a' || b > 'z') {
			return false
		}
	}
	return true
}

// reservedIn lists the reserved names present in nodes, each once, in order of appearance
// (Wazuh builds the list from a set, so its order is arbitrary).
func reservedIn(nodes []string) []string {
	var found []string
	seen := make(map[string]bool)
	for _, node := range nodes {
		if reservedNodes[node] && !seen[node] {
			seen[node] = true
			found = append(found, node)
		}
	}
	return found
}

// checkCName applies Read_Cluster's rule for <name> and <node_name>: not empty, and only bytes
// of C_VALID (no spaces). It returns Wazuh's message, or "" when the value is fine.
func checkCName(value, emptyLabel, charLabel string) string {
	if value == "" {
		return emptyLabel + " is empty in configuration"
	}
	for i := 0; i < len(value); i++ {
		if strings.IndexByte(nameCharacters, value[i]) < 0 {
			return fmt.Sprintf("Detected a not allowed character in %s: \"%s\". Characters allowed: \"%s\".",
				charLabel, value, nameCharacters)
		}
	}
	return ""
}

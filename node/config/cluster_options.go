package config

import (
	"fmt"
	"math"
	"strconv"
)

// Options of <cluster> that hold one text value. Wazuh's Python reader keeps the last occurrence
// inside a block.
var textOptions = map[string]bool{
	"name": true, "node_name": true, "node_type": true, "key": true,
	"port": true, "bind_addr": true, "hidden": true, "disabled": true,
}

// Options Wazuh's C parser still accepts without using them. <interval> is the only one it warns
// about; the timeouts are reported too so nobody believes they still have an effect.
var deprecatedOptions = map[string]string{
	"interval":           "Detected a deprecated configuration for cluster. Interval option is not longer available.",
	"socket_timeout":     "Detected a deprecated configuration for cluster. Socket_timeout option is ignored.",
	"connection_timeout": "Detected a deprecated configuration for cluster. Connection_timeout option is ignored.",
}

// Sub-options of <haproxy_helper> in Wazuh 4.14 (§16.1). clusterd does not run the helper,
// but a configuration written for Wazuh must still load.
var haproxyHelperOptions = map[string]bool{
	"haproxy_disabled": true, "haproxy_address": true, "haproxy_port": true, "haproxy_protocol": true,
	"haproxy_user": true, "haproxy_password": true, "haproxy_backend": true, "haproxy_resolver": true,
	"haproxy_cert": true, "client_cert": true, "client_cert_key": true, "client_cert_password": true,
	"excluded_nodes": true, "frequency": true, "agent_chunk_size": true, "agent_reconnection_time": true,
	"agent_reconnection_stability_time": true, "imbalance_tolerance": true,
	"remove_disconnected_node_after": true,
}

const (
	warnMultipleSections = "There are multiple cluster sections in configuration. Using only last section."
	warnClientNodeType   = "Deprecated node type 'client'. Using 'worker' instead."
	warnHAProxyIgnored   = "The haproxy_helper option is not supported by clusterd and is ignored."
)

// clusterBlock is one <cluster> element as written, before defaults and conversions: Wazuh
// converts only the block that wins, so a bad port in an overridden block is harmless.
type clusterBlock struct {
	values map[string]string
	nodes  []string
}

// toCluster applies the block over Wazuh's defaults and converts the typed options, following
// read_cluster_config and, where the C parser is stricter, cluster-config.c.
func (b *clusterBlock) toCluster(warnings *[]string) (Cluster, error) {
	c := DefaultCluster()
	// name, node_name and node_type are kept even when empty: Wazuh's C daemons refuse an empty
	// value, and Validate reports it.
	for option, field := range map[string]*string{
		"name": &c.Name, "node_name": &c.NodeName, "node_type": &c.NodeType,
	} {
		if v, ok := b.values[option]; ok {
			*field = v
		}
	}
	// Wazuh's Python reader drops empty values, so these fall back to their defaults.
	for option, field := range map[string]*string{"key": &c.Key, "bind_addr": &c.BindAddr} {
		if v := b.values[option]; v != "" {
			*field = v
		}
	}
	if v := b.values["port"]; v != "" {
		port, err := parsePort(v)
		if err != nil {
			return Cluster{}, err
		}
		c.Port = port
	}
	if v, ok := b.values["disabled"]; ok {
		disabled, err := parseDisabled(v)
		if err != nil {
			return Cluster{}, err
		}
		c.Disabled = disabled
	}
	if v, ok := b.values["hidden"]; ok {
		if v != "yes" && v != "no" {
			return Cluster{}, hiddenError(v)
		}
		c.Hidden = v
	}
	if len(b.nodes) > 0 {
		c.Nodes = append([]string(nil), b.nodes...)
	}
	if c.NodeType == nodeTypeLegacyClient {
		*warnings = append(*warnings, warnClientNodeType)
		c.NodeType = NodeTypeWorker
	}
	return c, nil
}

// parsePort accepts digits only, like Python's str.isdigit check in read_cluster_config.
func parsePort(v string) (int, error) {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, newValidationError(ErrInvalidPort, "Cluster port must be an integer.")
		}
	}
	port, err := strconv.Atoi(v)
	if err != nil {
		// Only a number too large for int gets here; Python would hold it and then fail the
		// range check, which is what Validate does with this value.
		return math.MaxInt, nil
	}
	return port, nil
}

func parseDisabled(v string) (bool, error) {
	switch v {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, newValidationError(ErrInvalidDisabled,
		fmt.Sprintf("Allowed values for 'disabled' field are 'yes' and 'no'. Found: '%s'", v))
}

// hiddenError uses the C parser's XML_VALUEERR wording: Wazuh's Python reader does not check it.
func hiddenError(v string) *ValidationError {
	return newValidationError(ErrInvalidHidden, fmt.Sprintf("Invalid value for element 'hidden': %s.", v))
}

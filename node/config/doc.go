// Package config reads a node's configuration: the <cluster> section of Wazuh's ossec.conf
// (what Wazuh's framework/wazuh/core/cluster/utils.py read_cluster_config and
// src/config/cluster-config.c accept) and the internal options file cluster.json (the
// "intervals" and "distributed_api" sections of Wazuh's framework/wazuh/core/cluster/cluster.json,
// plus clusterd's own "clusterd" section).
//
// Reading and validating are separate steps, as in Wazuh: ParseOSSECConf turns text into a
// Cluster and refuses only what cannot be represented (a port that is not a number, a yes/no
// option with another value, an option Wazuh does not know); Cluster.Validate then reports every
// semantic problem at once, with Wazuh's 3004 messages, so `clusterd -t` can print them all.
package config

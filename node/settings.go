package node

import (
	"runtime"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
)

// Timeouts that Wazuh does not configure.
const (
	helloTimeout = 20 * time.Second
	dialTimeout  = 5 * time.Second
	// sendsyncTimeout bounds a worker's wait for the master's answer to a forwarded request
	// (an enrollment); Wazuh's worker has no bound of its own.
	sendsyncTimeout = 15 * time.Second
)

// settings maps the configuration onto what the actors need.
func settings(cfg Config, home string) actors.Settings {
	c, in := cfg.Cluster, cfg.Internal
	s := actors.Settings{
		NodeName:    c.NodeName,
		NodeType:    c.NodeType,
		ClusterName: c.Name,
		Key:         c.Key,
		Version:     in.Clusterd.Version,
		Home:        home,
		BindAddr:    c.BindAddr,
		Port:        c.Port,

		KeepAlive:                      in.Worker.KeepAlive,
		ConnectionRetry:                in.Worker.ConnectionRetry,
		MaxFailedKeepaliveAttempts:     in.Worker.MaxFailedKeepaliveAttempts,
		CheckWorkerLastKeepalive:       in.Master.CheckWorkerLastKeepalive,
		MaxAllowedTimeWithoutKeepalive: in.Master.MaxAllowedTimeWithoutKeepalive,
		RequestTimeout:                 in.Communication.TimeoutClusterRequest,
		HelloTimeout:                   min(helloTimeout, in.Communication.TimeoutClusterRequest),
		DialTimeout:                    min(dialTimeout, in.Worker.ConnectionRetry),
		SendQueueLen:                   in.Clusterd.SendQueueLen,
		ConfigJSON:                     configJSON(cfg),

		SyncIntegrity:          in.Worker.SyncIntegrity,
		RecalculateIntegrity:   in.Master.RecalculateIntegrity,
		MaxLockedIntegrityTime: in.Master.MaxLockedIntegrityTime,
		TimeoutReceivingFile:   in.Communication.TimeoutReceivingFile,
		MaxZipSize:             in.Communication.MaxZipSize,
		MinZipSize:             in.Communication.MinZipSize,
		ZipLimitTolerance:      in.Communication.ZipLimitTolerance,
		CompressLevel:          in.Communication.CompressLevel,
		HashWorkers:            max(in.Master.ProcessPoolSize, runtime.NumCPU()),

		SyncAgentGroups:          in.Master.SyncAgentGroups,
		AgentGroupStartDelay:     in.Master.AgentGroupStartDelay,
		AgentGroupsMismatchLimit: in.Worker.AgentGroupsMismatchLimit,
		TimeoutAgentGroups:       in.Worker.TimeoutAgentGroups,
		SendsyncTimeout:          sendsyncTimeout,
		DAPIRequestTimeout:       in.Communication.TimeoutDAPIRequest,
		SyncAgentInfo:            in.Worker.SyncAgentInfo,
		TimeoutAgentInfo:         in.Master.TimeoutAgentInfo,
	}
	if len(c.Nodes) > 0 {
		s.NodeIP = c.Nodes[0]
	}
	if len(c.Nodes) > 1 {
		s.MasterIPs = append([]string(nil), c.Nodes...)
	}
	return s
}

// configJSON is the answer to the local get_config command: Wazuh's read_cluster_config
// dictionary, key included (the socket is only readable by the wazuh group), in Python's
// json.dumps layout.
func configJSON(cfg Config) []byte { return messages.EncodeJSON(clusterConfigObject(cfg)) }

// clusterConfigObject is read_cluster_config's dictionary, in the order a Wazuh node writes it
// (DAPI R7): what get_config answers and GET /cluster/local/config lists.
func clusterConfigObject(cfg Config) messages.Object {
	c := cfg.Cluster
	nodes := c.Nodes
	if nodes == nil {
		nodes = []string{}
	}
	return messages.Object{
		{Key: "name", Value: c.Name}, {Key: "node_name", Value: c.NodeName}, {Key: "node_type", Value: c.NodeType},
		{Key: "key", Value: c.Key}, {Key: "port", Value: c.Port}, {Key: "bind_addr", Value: c.BindAddr},
		{Key: "nodes", Value: nodes}, {Key: "hidden", Value: c.Hidden}, {Key: "disabled", Value: c.Disabled},
	}
}

package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/clusterd/clusterd/actors"
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
	return s
}

// configJSON is the answer to the local get_config command: Wazuh's read_cluster_config
// dictionary, key included (the socket is only readable by the wazuh group), in Python's
// json.dumps layout.
func configJSON(cfg Config) []byte {
	c := cfg.Cluster
	fields := []struct {
		key   string
		value any
	}{
		{"disabled", c.Disabled}, {"node_type", c.NodeType}, {"name", c.Name}, {"node_name", c.NodeName},
		{"key", c.Key}, {"port", c.Port}, {"bind_addr", c.BindAddr}, {"nodes", c.Nodes}, {"hidden", c.Hidden},
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.value)
		if err != nil {
			v = []byte(fmt.Sprintf("%q", fmt.Sprint(f.value)))
		}
		if list, ok := f.value.([]string); ok {
			v = pyList(list)
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func pyList(items []string) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		q, _ := json.Marshal(it)
		b.Write(q)
	}
	b.WriteByte(']')
	return b.Bytes()
}

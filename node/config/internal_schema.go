package config

import (
	"encoding/json"
	"strings"
)

// Top-level sections of Wazuh's cluster.json that clusterd has no use for.
var ignoredRootKeys = map[string]bool{
	"files":                   true,
	"excluded_files":          true,
	"excluded_extensions":     true,
	"disconnected_agent_sync": true,
}

// Master intervals of newer Wazuh releases (disconnected-agent group sync) with no counterpart
// in clusterd.
var ignoredMasterKeys = map[string]bool{
	"sync_disconnected_agent_groups":             true,
	"sync_disconnected_agent_groups_batch_size":  true,
	"sync_disconnected_agent_groups_min_offline": true,
	"sync_disconnected_agent_cluster_name_delay": true,
}

// internalSchema maps every key of cluster.json to the field of in it sets.
func internalSchema(in *Internal) objectSchema {
	// standalone notes the keys that only shape the standalone mode's listeners, so that a
	// node in Wazuh mode can refuse a file that sets them.
	standalone := func(decode fieldDecoder) fieldDecoder {
		return func(path string, raw json.RawMessage) error {
			if err := decode(path, raw); err != nil {
				return err
			}
			in.Clusterd.StandaloneKeys = append(in.Clusterd.StandaloneKeys, path)
			return nil
		}
	}
	w, m, c := &in.Worker, &in.Master, &in.Communication
	g := &in.Clusterd.Gossip
	return objectSchema{
		fields: map[string]fieldDecoder{
			"intervals": object(objectSchema{fields: map[string]fieldDecoder{
				"worker": object(objectSchema{fields: map[string]fieldDecoder{
					"sync_integrity":                seconds(&w.SyncIntegrity),
					"sync_agent_info":               seconds(&w.SyncAgentInfo),
					"sync_agent_groups":             seconds(&w.SyncAgentGroups),
					"timeout_agent_groups":          seconds(&w.TimeoutAgentGroups),
					"keep_alive":                    seconds(&w.KeepAlive),
					"connection_retry":              seconds(&w.ConnectionRetry),
					"max_failed_keepalive_attempts": integer(&w.MaxFailedKeepaliveAttempts),
					"agent_groups_mismatch_limit":   integer(&w.AgentGroupsMismatchLimit),
				}}),
				"master": object(objectSchema{
					fields: map[string]fieldDecoder{
						"process_pool_size":                  integer(&m.ProcessPoolSize),
						"sync_agent_groups":                  seconds(&m.SyncAgentGroups),
						"timeout_extra_valid":                seconds(&m.TimeoutExtraValid),
						"recalculate_integrity":              seconds(&m.RecalculateIntegrity),
						"timeout_agent_info":                 seconds(&m.TimeoutAgentInfo),
						"agent_group_start_delay":            seconds(&m.AgentGroupStartDelay),
						"check_worker_lastkeepalive":         seconds(&m.CheckWorkerLastKeepalive),
						"max_allowed_time_without_keepalive": seconds(&m.MaxAllowedTimeWithoutKeepalive),
						"max_locked_integrity_time":          seconds(&m.MaxLockedIntegrityTime),
					},
					ignored: func(key string) bool { return ignoredMasterKeys[key] },
				}),
				"communication": object(objectSchema{fields: map[string]fieldDecoder{
					"timeout_cluster_request": seconds(&c.TimeoutClusterRequest),
					"timeout_dapi_request":    seconds(&c.TimeoutDAPIRequest),
					"timeout_receiving_file":  seconds(&c.TimeoutReceivingFile),
					"max_zip_size":            integer64(&c.MaxZipSize),
					"min_zip_size":            integer64(&c.MinZipSize),
					"compress_level":          integer(&c.CompressLevel),
					"zip_limit_tolerance":     number(&c.ZipLimitTolerance),
				}}),
			}}),
			"distributed_api": object(objectSchema{
				fields: map[string]fieldDecoder{"enabled": boolean(&in.DistributedAPI.Enabled)},
				// Wazuh's section: whatever else a release adds there is not ours to refuse.
				ignored: func(string) bool { return true },
			}),
			"clusterd": object(objectSchema{fields: map[string]fieldDecoder{
				"mode":    text(&in.Clusterd.Mode),
				"version": text(&in.Clusterd.Version),
				"gossip": object(objectSchema{fields: map[string]fieldDecoder{
					"enabled":            boolean(&g.Enabled),
					"port":               integer(&g.Port),
					"probe_interval":     seconds(&g.ProbeInterval),
					"probe_timeout":      seconds(&g.ProbeTimeout),
					"gossip_interval":    seconds(&g.GossipInterval),
					"push_pull_interval": seconds(&g.PushPullInterval),
					"gossip_to_the_dead": seconds(&g.GossipToTheDead),
					"dead_node_reclaim":  seconds(&g.DeadNodeReclaim),
					"suspicion_mult":     integer(&g.SuspicionMult),
				}}),
				"replication": object(objectSchema{fields: map[string]fieldDecoder{
					"tick":           seconds(&in.Clusterd.Replication.Tick),
					"election_ticks": integer(&in.Clusterd.Replication.ElectionTicks),
				}}),
				"send_queue_len":           integer(&in.Clusterd.SendQueueLen),
				"metrics_addr":             text(&in.Clusterd.MetricsAddr),
				"descriptor_limit":         standalone(integer(&in.Clusterd.DescriptorLimit)),
				"agent_identify_timeout":   standalone(seconds(&in.Clusterd.AgentIdentifyTimeout)),
				"enroll_handshake_timeout": standalone(seconds(&in.Clusterd.EnrollHandshakeTimeout)),
			}}),
		},
		ignored: func(key string) bool { return ignoredRootKeys[key] || strings.HasPrefix(key, "haproxy") },
	}
}

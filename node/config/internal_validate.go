package config

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// Validate reports every internal option whose value clusterd cannot run with, each error
// wrapping ErrInvalidInternal and naming the cluster.json key.
func (in Internal) Validate() []error {
	var v internalValidator
	v.positiveDurations([]namedDuration{
		{"intervals.worker.sync_integrity", in.Worker.SyncIntegrity},
		{"intervals.worker.sync_agent_info", in.Worker.SyncAgentInfo},
		{"intervals.worker.sync_agent_groups", in.Worker.SyncAgentGroups},
		{"intervals.worker.timeout_agent_groups", in.Worker.TimeoutAgentGroups},
		{"intervals.worker.keep_alive", in.Worker.KeepAlive},
		{"intervals.worker.connection_retry", in.Worker.ConnectionRetry},
		{"intervals.master.sync_agent_groups", in.Master.SyncAgentGroups},
		{"intervals.master.timeout_extra_valid", in.Master.TimeoutExtraValid},
		{"intervals.master.recalculate_integrity", in.Master.RecalculateIntegrity},
		{"intervals.master.timeout_agent_info", in.Master.TimeoutAgentInfo},
		{"intervals.master.agent_group_start_delay", in.Master.AgentGroupStartDelay},
		{"intervals.master.check_worker_lastkeepalive", in.Master.CheckWorkerLastKeepalive},
		{"intervals.master.max_allowed_time_without_keepalive", in.Master.MaxAllowedTimeWithoutKeepalive},
		{"intervals.master.max_locked_integrity_time", in.Master.MaxLockedIntegrityTime},
		{"intervals.communication.timeout_cluster_request", in.Communication.TimeoutClusterRequest},
		{"intervals.communication.timeout_dapi_request", in.Communication.TimeoutDAPIRequest},
		{"intervals.communication.timeout_receiving_file", in.Communication.TimeoutReceivingFile},
		{"clusterd.agent_identify_timeout", in.Clusterd.AgentIdentifyTimeout},
		{"clusterd.enroll_handshake_timeout", in.Clusterd.EnrollHandshakeTimeout},
	})

	// Gossip timers are optional: zero keeps the tuned defaults of the memberlist layer.
	g := in.Clusterd.Gossip
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"clusterd.gossip.probe_interval", g.ProbeInterval},
		{"clusterd.gossip.probe_timeout", g.ProbeTimeout},
		{"clusterd.gossip.gossip_interval", g.GossipInterval},
		{"clusterd.gossip.push_pull_interval", g.PushPullInterval},
		{"clusterd.gossip.gossip_to_the_dead", g.GossipToTheDead},
		{"clusterd.gossip.dead_node_reclaim", g.DeadNodeReclaim},
		{"clusterd.replication.tick", in.Clusterd.Replication.Tick},
	} {
		if t.d < 0 {
			v.fail("%s must not be negative, got %s", t.key, t.d)
		}
	}

	// Zero keeps node/ha's default; otherwise an election needs more ticks than a heartbeat.
	if e := in.Clusterd.Replication.ElectionTicks; e != 0 && e < 2 {
		v.fail("clusterd.replication.election_ticks must be 0 or at least 2, got %d", e)
	}
	v.atLeast("intervals.worker.max_failed_keepalive_attempts", in.Worker.MaxFailedKeepaliveAttempts, 1)
	v.atLeast("intervals.worker.agent_groups_mismatch_limit", in.Worker.AgentGroupsMismatchLimit, 1)
	v.atLeast("intervals.master.process_pool_size", in.Master.ProcessPoolSize, 1)

	comm := in.Communication
	if comm.MinZipSize <= 0 {
		v.fail("intervals.communication.min_zip_size must be positive, got %d", comm.MinZipSize)
	}
	if comm.MaxZipSize <= 0 {
		v.fail("intervals.communication.max_zip_size must be positive, got %d", comm.MaxZipSize)
	}
	if comm.MinZipSize > comm.MaxZipSize {
		v.fail("intervals.communication.min_zip_size (%d) must not exceed max_zip_size (%d)",
			comm.MinZipSize, comm.MaxZipSize)
	}
	// zlib levels as Python's zlib.compress takes them: -1 is zlib's default level.
	if comm.CompressLevel < -1 || comm.CompressLevel > 9 {
		v.fail("intervals.communication.compress_level must be between -1 and 9, got %d", comm.CompressLevel)
	}
	if !(comm.ZipLimitTolerance > 0 && comm.ZipLimitTolerance < 1) {
		v.fail("intervals.communication.zip_limit_tolerance must be between 0 and 1 (both excluded), got %v",
			comm.ZipLimitTolerance)
	}

	d := in.Clusterd
	switch d.Mode {
	case ModeAuto, ModeWazuh, ModeStandalone:
	default:
		v.fail("clusterd.mode must be %q, %q or %q, got %q", ModeAuto, ModeWazuh, ModeStandalone, d.Mode)
	}
	// The version travels in the space-separated hello payload "<name> <cluster> <type> <version>".
	if d.Version == "" || strings.ContainsAny(d.Version, " \t\r\n") {
		v.fail("clusterd.version must be a non-empty word, got %q", d.Version)
	}
	if d.Gossip.Port < 0 || d.Gossip.Port > 65535 {
		v.fail("clusterd.gossip.port must be between 0 and 65535, got %d", d.Gossip.Port)
	}
	v.atLeast("clusterd.gossip.suspicion_mult", d.Gossip.SuspicionMult, 0)
	v.atLeast("clusterd.send_queue_len", d.SendQueueLen, 1)
	if d.DescriptorLimit != 0 {
		v.atLeast("clusterd.descriptor_limit", d.DescriptorLimit, MinDescriptorLimit)
	}
	if d.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(d.MetricsAddr); err != nil {
			v.fail("clusterd.metrics_addr must be host:port, got %q: %v", d.MetricsAddr, err)
		}
	}
	return v.problems
}

// MinDescriptorLimit is the smallest clusterd.descriptor_limit: below it the reserve for the
// cluster and the files leaves the listeners nothing.
const MinDescriptorLimit = 128

type internalValidator struct {
	problems []error
}

func (v *internalValidator) fail(format string, args ...any) {
	v.problems = append(v.problems, fmt.Errorf("%w: "+format, append([]any{ErrInvalidInternal}, args...)...))
}

type namedDuration struct {
	key   string
	value time.Duration
}

func (v *internalValidator) positiveDurations(durations []namedDuration) {
	for _, d := range durations {
		if d.value <= 0 {
			v.fail("%s must be positive, got %g seconds", d.key, d.value.Seconds())
		}
	}
}

func (v *internalValidator) atLeast(key string, value, minimum int) {
	if value < minimum {
		v.fail("%s must be at least %d, got %d", key, minimum, value)
	}
}

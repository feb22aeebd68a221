package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestInternalValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mutate  func(*Internal)
		mention string
	}{
		{"zero duration", func(in *Internal) { in.Worker.KeepAlive = 0 }, "intervals.worker.keep_alive must be positive, got 0 seconds"},
		{"negative duration", func(in *Internal) { in.Master.RecalculateIntegrity = -time.Second },
			"intervals.master.recalculate_integrity must be positive, got -1 seconds"},
		{"communication duration", func(in *Internal) { in.Communication.TimeoutClusterRequest = 0 },
			"intervals.communication.timeout_cluster_request must be positive"},
		{"gossip duration", func(in *Internal) { in.Clusterd.Gossip.ProbeTimeout = -time.Second }, "clusterd.gossip.probe_timeout must not be negative, got -1s"},
		{"keepalive attempts", func(in *Internal) { in.Worker.MaxFailedKeepaliveAttempts = 0 },
			"intervals.worker.max_failed_keepalive_attempts must be at least 1, got 0"},
		{"mismatch limit", func(in *Internal) { in.Worker.AgentGroupsMismatchLimit = -1 },
			"intervals.worker.agent_groups_mismatch_limit must be at least 1"},
		{"pool size", func(in *Internal) { in.Master.ProcessPoolSize = 0 }, "intervals.master.process_pool_size must be at least 1"},
		{"min zip size", func(in *Internal) { in.Communication.MinZipSize = 0 }, "min_zip_size must be positive"},
		{"zip sizes", func(in *Internal) { in.Communication.MinZipSize = in.Communication.MaxZipSize + 1 },
			"min_zip_size (1073741825) must not exceed max_zip_size (1073741824)"},
		{"compress level", func(in *Internal) { in.Communication.CompressLevel = 10 }, "compress_level must be between -1 and 9, got 10"},
		{"tolerance 0", func(in *Internal) { in.Communication.ZipLimitTolerance = 0 }, "zip_limit_tolerance must be between 0 and 1"},
		{"tolerance 1", func(in *Internal) { in.Communication.ZipLimitTolerance = 1 }, "zip_limit_tolerance must be between 0 and 1"},
		{"version", func(in *Internal) { in.Clusterd.Version = "" }, "clusterd.version must be a non-empty word"},
		{"version with a space", func(in *Internal) { in.Clusterd.Version = "4.14 .7" }, "clusterd.version"},
		{"gossip port", func(in *Internal) { in.Clusterd.Gossip.Port = 65536 }, "clusterd.gossip.port must be between 0 and 65535"},
		{"suspicion", func(in *Internal) { in.Clusterd.Gossip.SuspicionMult = -1 }, "clusterd.gossip.suspicion_mult must be at least 0"},
		{"queue", func(in *Internal) { in.Clusterd.SendQueueLen = 0 }, "clusterd.send_queue_len must be at least 1"},
		{"metrics", func(in *Internal) { in.Clusterd.MetricsAddr = "9516" }, "clusterd.metrics_addr must be host:port"},
		{"descriptor limit", func(in *Internal) { in.Clusterd.DescriptorLimit = 100 }, "clusterd.descriptor_limit must be at least 128"},
		{"identify timeout", func(in *Internal) { in.Clusterd.AgentIdentifyTimeout = 0 }, "clusterd.agent_identify_timeout must be positive"},
		{"handshake timeout", func(in *Internal) { in.Clusterd.EnrollHandshakeTimeout = -time.Second }, "clusterd.enroll_handshake_timeout must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := DefaultInternal()
			tc.mutate(&in)
			problems := in.Validate()
			if len(problems) != 1 {
				t.Fatalf("want one problem, got %v", problems)
			}
			if !errors.Is(problems[0], ErrInvalidInternal) || !strings.Contains(problems[0].Error(), tc.mention) {
				t.Fatalf("got %v, want ErrInvalidInternal mentioning %q", problems[0], tc.mention)
			}
		})
	}
}

func TestInternalValidateAcceptsEdges(t *testing.T) {
	in := DefaultInternal()
	in.Communication.CompressLevel = -1
	in.Communication.MinZipSize = in.Communication.MaxZipSize
	in.Clusterd.Gossip.Port = 0
	in.Clusterd.MetricsAddr = ":9516"
	if problems := in.Validate(); len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
}

func TestInternalValidateReportsEveryProblem(t *testing.T) {
	in := DefaultInternal()
	in.Worker.KeepAlive = 0
	in.Master.ProcessPoolSize = 0
	in.Communication.ZipLimitTolerance = 2
	in.Clusterd.SendQueueLen = 0
	if problems := in.Validate(); len(problems) != 4 {
		t.Fatalf("want 4 problems, got %d: %v", len(problems), problems)
	}
}

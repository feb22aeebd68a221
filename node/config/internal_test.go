package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultInternalMatchesWazuh(t *testing.T) {
	in := DefaultInternal()
	s := time.Second
	for _, tc := range []struct {
		key       string
		got, want any
	}{
		{"worker.sync_integrity", in.Worker.SyncIntegrity, 9 * s},
		{"worker.sync_agent_info", in.Worker.SyncAgentInfo, 10 * s},
		{"worker.sync_agent_groups", in.Worker.SyncAgentGroups, 30 * s},
		{"worker.timeout_agent_groups", in.Worker.TimeoutAgentGroups, 40 * s},
		{"worker.keep_alive", in.Worker.KeepAlive, 60 * s},
		{"worker.connection_retry", in.Worker.ConnectionRetry, 10 * s},
		{"worker.max_failed_keepalive_attempts", in.Worker.MaxFailedKeepaliveAttempts, 2},
		{"worker.agent_groups_mismatch_limit", in.Worker.AgentGroupsMismatchLimit, 5},
		{"master.process_pool_size", in.Master.ProcessPoolSize, 2},
		{"master.sync_agent_groups", in.Master.SyncAgentGroups, 10 * s},
		{"master.timeout_extra_valid", in.Master.TimeoutExtraValid, 40 * s},
		{"master.recalculate_integrity", in.Master.RecalculateIntegrity, 8 * s},
		{"master.timeout_agent_info", in.Master.TimeoutAgentInfo, 40 * s},
		{"master.agent_group_start_delay", in.Master.AgentGroupStartDelay, 30 * s},
		{"master.check_worker_lastkeepalive", in.Master.CheckWorkerLastKeepalive, 60 * s},
		{"master.max_allowed_time_without_keepalive", in.Master.MaxAllowedTimeWithoutKeepalive, 120 * s},
		{"master.max_locked_integrity_time", in.Master.MaxLockedIntegrityTime, 1000 * s},
		{"communication.timeout_cluster_request", in.Communication.TimeoutClusterRequest, 20 * s},
		{"communication.timeout_dapi_request", in.Communication.TimeoutDAPIRequest, 200 * s},
		{"communication.timeout_receiving_file", in.Communication.TimeoutReceivingFile, 120 * s},
		{"communication.max_zip_size", in.Communication.MaxZipSize, int64(1073741824)},
		{"communication.min_zip_size", in.Communication.MinZipSize, int64(31457280)},
		{"communication.compress_level", in.Communication.CompressLevel, 1},
		{"communication.zip_limit_tolerance", in.Communication.ZipLimitTolerance, 0.2},
		{"distributed_api.enabled", in.DistributedAPI.Enabled, true},
		{"clusterd.mode", in.Clusterd.Mode, "auto"},
		{"clusterd.version", in.Clusterd.Version, "4.14.7"},
		{"clusterd.gossip.enabled", in.Clusterd.Gossip.Enabled, true},
		{"clusterd.gossip.port", in.Clusterd.Gossip.Port, 1517},
		{"clusterd.gossip.probe_interval", in.Clusterd.Gossip.ProbeInterval, time.Duration(0)},
		{"clusterd.gossip.probe_timeout", in.Clusterd.Gossip.ProbeTimeout, time.Duration(0)},
		{"clusterd.gossip.gossip_interval", in.Clusterd.Gossip.GossipInterval, time.Duration(0)},
		{"clusterd.gossip.push_pull_interval", in.Clusterd.Gossip.PushPullInterval, time.Duration(0)},
		{"clusterd.gossip.gossip_to_the_dead", in.Clusterd.Gossip.GossipToTheDead, time.Duration(0)},
		{"clusterd.gossip.dead_node_reclaim", in.Clusterd.Gossip.DeadNodeReclaim, time.Duration(0)},
		{"clusterd.gossip.suspicion_mult", in.Clusterd.Gossip.SuspicionMult, 0},
		{"clusterd.send_queue_len", in.Clusterd.SendQueueLen, 256},
		{"clusterd.metrics_addr", in.Clusterd.MetricsAddr, ""},
		{"clusterd.descriptor_limit", in.Clusterd.DescriptorLimit, 0},
		{"clusterd.agent_identify_timeout", in.Clusterd.AgentIdentifyTimeout, 30 * time.Second},
		{"clusterd.enroll_handshake_timeout", in.Clusterd.EnrollHandshakeTimeout, 10 * time.Second},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.key, tc.got, tc.want)
		}
	}
	if problems := in.Validate(); len(problems) != 0 {
		t.Errorf("defaults do not validate: %v", problems)
	}
}

func mustParseInternal(t *testing.T, data string) Internal {
	t.Helper()
	in, err := ParseInternal([]byte(data))
	if err != nil {
		t.Fatalf("ParseInternal(%s): %v", data, err)
	}
	return in
}

func TestParseInternalWazuhFileGivesDefaults(t *testing.T) {
	in, err := ParseInternal(readTestdata(t, "cluster.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, DefaultInternal()) {
		t.Fatalf("got %+v, want the defaults", in)
	}
}

func TestParseInternalEmptyObjectGivesDefaults(t *testing.T) {
	if in := mustParseInternal(t, " {} \n"); !reflect.DeepEqual(in, DefaultInternal()) {
		t.Fatalf("got %+v", in)
	}
}

func TestParseInternalPartial(t *testing.T) {
	in, err := ParseInternal(readTestdata(t, "cluster_clusterd.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultInternal()
	want.Worker.KeepAlive = 5 * time.Second
	want.Worker.ConnectionRetry = 500 * time.Millisecond
	want.Master.CheckWorkerLastKeepalive = 2500 * time.Millisecond
	want.Communication.TimeoutClusterRequest = 3 * time.Second
	want.DistributedAPI.Enabled = false
	want.Clusterd.Gossip = Gossip{
		Enabled: true, Port: 0, ProbeInterval: 100 * time.Millisecond, ProbeTimeout: 50 * time.Millisecond,
		GossipInterval: 20 * time.Millisecond, PushPullInterval: time.Second, GossipToTheDead: 2 * time.Second,
		DeadNodeReclaim: time.Second, SuspicionMult: 2,
	}
	want.Clusterd.SendQueueLen = 64
	want.Clusterd.MetricsAddr = "127.0.0.1:9516"
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("got  %+v\nwant %+v", in, want)
	}
	if problems := in.Validate(); len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
}

// clusterd.mode is read and checked; the keys that only shape the standalone listeners are
// noted, so that a node in Wazuh mode can refuse them.
func TestParseInternalModeAndStandaloneKeys(t *testing.T) {
	in := mustParseInternal(t, `{"clusterd": {"mode": "wazuh", "agent_identify_timeout": 5, "descriptor_limit": 4096}}`)
	if in.Clusterd.Mode != ModeWazuh {
		t.Errorf("mode = %q", in.Clusterd.Mode)
	}
	if got := strings.Join(in.Clusterd.StandaloneKeys, ","); got != "clusterd.agent_identify_timeout,clusterd.descriptor_limit" {
		t.Errorf("standalone keys = %q", got)
	}
	if problems := in.Validate(); len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	if keys := mustParseInternal(t, `{"clusterd": {"send_queue_len": 8}}`).Clusterd.StandaloneKeys; keys != nil {
		t.Errorf("standalone keys of a file that sets none: %v", keys)
	}
	bad := mustParseInternal(t, `{"clusterd": {"mode": "both"}}`)
	problems := bad.Validate()
	if len(problems) != 1 || !errors.Is(problems[0], ErrInvalidInternal) || !strings.Contains(problems[0].Error(), `clusterd.mode must be "auto", "wazuh" or "standalone", got "both"`) {
		t.Errorf("problems: %v", problems)
	}
}

func TestParseInternalNumbers(t *testing.T) {
	in := mustParseInternal(t, `{"intervals": {
		"worker": {"max_failed_keepalive_attempts": 3.0, "keep_alive": 1e1, "sync_integrity": 0.0015},
		"communication": {"max_zip_size": 2e9, "zip_limit_tolerance": 1}}}`)
	if in.Worker.MaxFailedKeepaliveAttempts != 3 || in.Worker.KeepAlive != 10*time.Second ||
		in.Worker.SyncIntegrity != 1500*time.Microsecond {
		t.Errorf("worker = %+v", in.Worker)
	}
	if in.Communication.MaxZipSize != 2e9 || in.Communication.ZipLimitTolerance != 1 {
		t.Errorf("communication = %+v", in.Communication)
	}
}

func TestParseInternalIgnoresWazuhSectionsItDoesNotUse(t *testing.T) {
	in := mustParseInternal(t, `{
		"files": {"etc/": {"permissions": "0o640"}},
		"excluded_files": ["ar.conf"], "excluded_extensions": ["~"],
		"disconnected_agent_sync": {"enabled": true},
		"haproxy_helper": {"frequency": 60},
		"intervals": {"master": {"sync_disconnected_agent_groups": 300,
			"sync_disconnected_agent_groups_batch_size": 100,
			"sync_disconnected_agent_groups_min_offline": 600,
			"sync_disconnected_agent_cluster_name_delay": 300}},
		"distributed_api": {"enabled": true, "some_future_option": 1}}`)
	if !reflect.DeepEqual(in, DefaultInternal()) {
		t.Fatalf("got %+v", in)
	}
}

func TestParseInternalRefusesUnknownKeys(t *testing.T) {
	for _, tc := range []struct{ data, path string }{
		{`{"interval": {}}`, "interval"},
		{`{"intervals": {"workers": {}}}`, "intervals.workers"},
		{`{"intervals": {"worker": {"keep_alve": 5}}}`, "intervals.worker.keep_alve"},
		{`{"intervals": {"master": {"process_pool": 5}}}`, "intervals.master.process_pool"},
		{`{"intervals": {"communication": {"compression_level": 5}}}`, "intervals.communication.compression_level"},
		{`{"clusterd": {"versions": "4.14.7"}}`, "clusterd.versions"},
		{`{"clusterd": {"gossip": {"probe": 1}}}`, "clusterd.gossip.probe"},
	} {
		_, err := ParseInternal([]byte(tc.data))
		if !errors.Is(err, ErrUnknownKey) || !strings.HasSuffix(err.Error(), ": "+tc.path) {
			t.Errorf("%s: err = %v, want ErrUnknownKey naming %s", tc.data, err, tc.path)
		}
	}
}

func TestParseInternalRefusesBadTypes(t *testing.T) {
	for _, tc := range []struct {
		data     string
		sentinel error
		mention  string
	}{
		{`{"intervals": {"worker": {"keep_alive": "60"}}}`, ErrInvalidType, "intervals.worker.keep_alive must be a number of seconds, found a string"},
		{`{"intervals": {"worker": {"keep_alive": null}}}`, ErrInvalidType, "found null"},
		{`{"intervals": {"worker": {"keep_alive": true}}}`, ErrInvalidType, "found a boolean"},
		{`{"intervals": {"worker": {"keep_alive": 1e300}}}`, ErrInvalidType, "out of range"},
		{`{"intervals": {"worker": {"keep_alive": 1e999}}}`, ErrInvalidType, "intervals.worker.keep_alive"},
		{`{"intervals": {"worker": {"max_failed_keepalive_attempts": 2.5}}}`, ErrInvalidType, "must be an integer, found 2.5"},
		{`{"intervals": {"communication": {"max_zip_size": 1e19}}}`, ErrInvalidType, "must be an integer"},
		{`{"intervals": {"communication": {"zip_limit_tolerance": [0.2]}}}`, ErrInvalidType, "found an array"},
		{`{"intervals": {"worker": []}}`, ErrInvalidType, "intervals.worker must be an object, found an array"},
		{`{"intervals": null}`, ErrInvalidType, "intervals must be an object, found null"},
		{`{"distributed_api": {"enabled": "yes"}}`, ErrInvalidType, "distributed_api.enabled must be true or false"},
		{`{"clusterd": {"version": 4.14}}`, ErrInvalidType, "clusterd.version must be a string, found a number"},
		{`[]`, ErrInvalidType, "cluster.json must be an object, found an array"},
		{``, ErrMalformedJSON, ""},
		{`{"intervals": {}`, ErrMalformedJSON, ""},
		{`{} {}`, ErrMalformedJSON, ""},
		{`{"a": 1,}`, ErrMalformedJSON, ""},
	} {
		_, err := ParseInternal([]byte(tc.data))
		if !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: err = %v, want %v mentioning %q", tc.data, err, tc.sentinel, tc.mention)
		}
	}
}

func TestLoadInternal(t *testing.T) {
	home := t.TempDir()
	path := InternalPath(home)

	in, err := LoadInternal(path)
	if err != nil || !reflect.DeepEqual(in, DefaultInternal()) {
		t.Fatalf("missing file: %+v, %v; want the defaults", in, err)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"intervals": {"worker": {"keep_alive": 7}}}`), 0o640); err != nil {
		t.Fatal(err)
	}
	in, err = LoadInternal(path)
	if err != nil || in.Worker.KeepAlive != 7*time.Second {
		t.Fatalf("LoadInternal = %+v, %v", in.Worker, err)
	}

	if err := os.WriteFile(path, []byte(`{"intervals": {"worker": {"keep_alive": "7"}}}`), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadInternal(path); !errors.Is(err, ErrInvalidType) || !strings.Contains(err.Error(), path) {
		t.Fatalf("bad file: err = %v, want ErrInvalidType naming the file", err)
	}

	// A path that exists but cannot be read as a file is an error, not the defaults.
	if _, err := LoadInternal(home); err == nil {
		t.Fatal("reading a directory succeeded")
	}
}

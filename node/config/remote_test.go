package config

import (
	"testing"
	"time"
)

func TestParseRemote(t *testing.T) {
	conf := `<ossec_config>
  <global><agents_disconnection_time>10m</agents_disconnection_time></global>
  <remote><connection>syslog</connection><port>514</port><protocol>udp</protocol></remote>
  <remote>
    <connection>secure</connection>
    <port>1600</port>
    <protocol>tcp,udp</protocol>
    <connection_overtake_time>30</connection_overtake_time>
    <agents><allow_higher_versions>yes</allow_higher_versions></agents>
  </remote>
</ossec_config>`
	r, err := ParseRemote([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	want := Remote{Port: 1600, TCP: true, UDP: true, ConnectionOvertake: 30 * time.Second,
		AllowHigherVersions: true, AgentsDisconnectionTime: 10 * time.Minute}
	if r != want {
		t.Fatalf("got %+v\nwant %+v", r, want)
	}
	def, err := ParseRemote([]byte(`<ossec_config><cluster/></ossec_config>`))
	if err != nil || def != DefaultRemote() {
		t.Fatalf("defaults: %+v %v", def, err)
	}
	for _, bad := range []string{
		`<ossec_config><remote><port>0</port></remote></ossec_config>`,
		`<ossec_config><remote><protocol>sctp</protocol></remote></ossec_config>`,
		`<ossec_config><global><agents_disconnection_time>soon</agents_disconnection_time></global></ossec_config>`,
	} {
		if _, err := ParseRemote([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func FuzzParseRemote(f *testing.F) {
	f.Add([]byte(`<ossec_config><remote><port>1514</port><protocol>tcp</protocol></remote></ossec_config>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRemote(data)
		if err == nil && (r.Port < 1 || r.Port > 65535) {
			t.Fatalf("accepted port %d", r.Port)
		}
	})
}

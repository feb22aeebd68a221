package config

import (
	"errors"
	"testing"
	"time"
)

func TestParseAuthDefaults(t *testing.T) {
	a, err := ParseAuth([]byte(`<ossec_config><cluster><name>x</name></cluster></ossec_config>`))
	if err != nil {
		t.Fatal(err)
	}
	if a != DefaultAuth() {
		t.Fatalf("got %+v, want the defaults", a)
	}
}

func TestParseAuthLastSectionWins(t *testing.T) {
	conf := `<ossec_config>
  <auth><port>1600</port><use_password>yes</use_password></auth>
</ossec_config>
<ossec_config>
  <auth>
    <port>1515</port>
    <use_source_ip>yes</use_source_ip>
    <purge>yes</purge>
    <ssl_manager_cert>etc/other.cert</ssl_manager_cert>
    <unknown_future_option>1</unknown_future_option>
    <force>
      <enabled>yes</enabled>
      <key_mismatch>no</key_mismatch>
      <disconnected_time enabled="no">2h</disconnected_time>
      <after_registration_time>90</after_registration_time>
    </force>
    <agents><allow_higher_versions>yes</allow_higher_versions></agents>
  </auth>
</ossec_config>`
	a, err := ParseAuth([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultAuth()
	want.UseSourceIP, want.Purge, want.AllowHigherVersions = true, true, true
	want.SSLManagerCert = "etc/other.cert"
	want.Force = ForceConfig{Enabled: true, KeyMismatch: false, DisconnectedTimeEnabled: false,
		DisconnectedTime: 2 * time.Hour, AfterRegistrationTime: 90 * time.Second}
	if a != want {
		t.Fatalf("got %+v\nwant %+v", a, want)
	}
}

func TestParseAuthRefusesBadValues(t *testing.T) {
	for _, conf := range []string{
		`<ossec_config><auth><port>x</port></auth></ossec_config>`,
		`<ossec_config><auth><port>70000</port></auth></ossec_config>`,
		`<ossec_config><auth><use_password>maybe</use_password></auth></ossec_config>`,
		`<ossec_config><auth><force><disconnected_time>1y</disconnected_time></force></auth></ossec_config>`,
		`<ossec_config><auth><port>1`,
	} {
		if _, err := ParseAuth([]byte(conf)); err == nil {
			t.Errorf("%s: accepted", conf)
		}
	}
	_, err := ParseAuth([]byte(`<ossec_config><auth><purge>1</purge></auth></ossec_config>`))
	if !errors.Is(err, ErrMalformedOption) {
		t.Fatalf("err = %v, want ErrMalformedOption", err)
	}
}

func TestParseWazuhDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"30": 30 * time.Second, "10s": 10 * time.Second,
		"5m": 5 * time.Minute, "1h": time.Hour, "2d": 48 * time.Hour, "1w": 7 * 24 * time.Hour} {
		got, err := ParseWazuhDuration(in)
		if err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "h", "-1", "1.5h", "1y"} {
		if _, err := ParseWazuhDuration(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParseAuth(f *testing.F) {
	f.Add([]byte(`<ossec_config><auth><port>1515</port><force><enabled>yes</enabled></force></auth></ossec_config>`))
	f.Add([]byte(`<ossec_config><auth><disconnected_time enabled="yes">1h</disconnected_time></auth></ossec_config>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAuth(data)
		if err == nil && (a.Port < 1 || a.Port > 65535) {
			t.Fatalf("accepted port %d", a.Port)
		}
	})
}

package config

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Auth is the <auth> section of ossec.conf (wazuh-authd), after Wazuh's defaults.
type Auth struct {
	Disabled            bool
	Port                int    // <port>, 1515
	UseSourceIP         bool   // <use_source_ip>
	UsePassword         bool   // <use_password>: read etc/authd.pass
	Purge               bool   // <purge>: drop removed agents' keys instead of keeping a '!' line
	SSLAgentCA          string // <ssl_agent_ca>: require agent certificates signed by it
	SSLVerifyHost       bool   // <ssl_verify_host>
	SSLManagerCert      string // <ssl_manager_cert>, etc/sslmanager.cert
	SSLManagerKey       string // <ssl_manager_key>, etc/sslmanager.key
	SSLAutoNegotiate    bool   // <ssl_auto_negotiate>
	AllowHigherVersions bool   // <agents><allow_higher_versions>
	Force               ForceConfig
}

// ForceConfig is <auth><force>: when an enrollment may replace an agent with the same name or IP.
type ForceConfig struct {
	Enabled                 bool
	KeyMismatch             bool
	DisconnectedTimeEnabled bool
	DisconnectedTime        time.Duration
	AfterRegistrationTime   time.Duration
}

// DefaultAuth returns Wazuh's authd defaults.
func DefaultAuth() Auth {
	return Auth{
		Port:           1515,
		SSLManagerCert: "etc/sslmanager.cert",
		SSLManagerKey:  "etc/sslmanager.key",
		Force: ForceConfig{Enabled: true, KeyMismatch: true, DisconnectedTimeEnabled: true,
			DisconnectedTime: time.Hour, AfterRegistrationTime: time.Hour},
	}
}

// LoadAuth reads the <auth> section of the ossec.conf at path; a missing file gives the defaults.
func LoadAuth(path string) (Auth, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return DefaultAuth(), nil
	}
	if err != nil {
		return Auth{}, fmt.Errorf("read ossec.conf: %w", err)
	}
	a, err := ParseAuth(data)
	if err != nil {
		return Auth{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ParseAuth reads the <auth> section from ossec.conf content. As for <cluster>, the last
// section wins; unknown options inside it are ignored (they belong to authd features clusterd
// does not have), but a known option with a bad value is an error naming it.
func ParseAuth(data []byte) (Auth, error) {
	a := DefaultAuth()
	root, err := lastSection(data, "auth")
	if err != nil || root == nil {
		return a, err
	}
	for _, opt := range root.children {
		if err := a.set(opt); err != nil {
			return Auth{}, fmt.Errorf("<auth><%s>: %w", opt.name, err)
		}
	}
	return a, nil
}

func (a *Auth) set(opt *xmlElement) error {
	var err error
	switch opt.name {
	case "disabled":
		a.Disabled, err = yesNo(opt.text)
	case "port":
		a.Port, err = strconv.Atoi(opt.text)
		if err == nil && (a.Port < 1 || a.Port > 65535) {
			err = fmt.Errorf("%w: %d", ErrInvalidPort, a.Port)
		}
	case "use_source_ip":
		a.UseSourceIP, err = yesNo(opt.text)
	case "use_password":
		a.UsePassword, err = yesNo(opt.text)
	case "purge":
		a.Purge, err = yesNo(opt.text)
	case "ssl_agent_ca":
		a.SSLAgentCA = opt.text
	case "ssl_verify_host":
		a.SSLVerifyHost, err = yesNo(opt.text)
	case "ssl_manager_cert":
		a.SSLManagerCert = opt.text
	case "ssl_manager_key":
		a.SSLManagerKey = opt.text
	case "ssl_auto_negotiate":
		a.SSLAutoNegotiate, err = yesNo(opt.text)
	case "force_insert": // legacy
		a.Force.Enabled, err = yesNo(opt.text)
	case "force_time": // legacy: seconds; 0 = replace at once
		var secs int
		secs, err = strconv.Atoi(opt.text)
		a.Force.DisconnectedTime = time.Duration(secs) * time.Second
	case "agents":
		for _, sub := range opt.children {
			if sub.name == "allow_higher_versions" {
				a.AllowHigherVersions, err = yesNo(sub.text)
			}
		}
	case "force":
		err = a.Force.set(opt)
	}
	return err
}

func (f *ForceConfig) set(opt *xmlElement) error {
	for _, sub := range opt.children {
		var err error
		switch sub.name {
		case "enabled":
			f.Enabled, err = yesNo(sub.text)
		case "key_mismatch":
			f.KeyMismatch, err = yesNo(sub.text)
		case "disconnected_time":
			if v, ok := sub.attrs["enabled"]; ok {
				f.DisconnectedTimeEnabled, err = yesNo(v)
			}
			if err == nil {
				f.DisconnectedTime, err = ParseWazuhDuration(sub.text)
			}
		case "after_registration_time":
			f.AfterRegistrationTime, err = ParseWazuhDuration(sub.text)
		}
		if err != nil {
			return fmt.Errorf("<%s>: %w", sub.name, err)
		}
	}
	return nil
}

// ParseWazuhDuration reads Wazuh's time values: a number of seconds, optionally suffixed with
// s, m, h, d or w.
func ParseWazuhDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	unit := time.Second
	if s != "" {
		switch s[len(s)-1] {
		case 's':
			s = s[:len(s)-1]
		case 'm':
			unit, s = time.Minute, s[:len(s)-1]
		case 'h':
			unit, s = time.Hour, s[:len(s)-1]
		case 'd':
			unit, s = 24*time.Hour, s[:len(s)-1]
		case 'w':
			unit, s = 7*24*time.Hour, s[:len(s)-1]
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: invalid time value %q", ErrMalformedOption, s)
	}
	return time.Duration(n) * unit, nil
}

func yesNo(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("%w: %q is not yes or no", ErrMalformedOption, v)
}

// xmlElement is a small element tree, enough for sections read as a whole.
type xmlElement struct {
	name     string
	attrs    map[string]string
	text     string
	children []*xmlElement
}

// lastSection returns the last <name> element directly inside an <ossec_config> block.
func lastSection(data []byte, name string) (*xmlElement, error) {
	all, err := sections(data, name)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return all[len(all)-1], nil
}

// sections returns every <name> element directly inside an <ossec_config> block, in order.
func sections(data []byte, name string) ([]*xmlElement, error) {
	dec := xml.NewDecoder(bytes.NewReader(sanitizeOSSECConf(data)))
	dec.Strict = true
	dec.Entity = map[string]string{"backslash": `\`}
	var out []*xmlElement
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 1 && elementName(t.Name) == name {
				el, err := readElement(dec, t)
				if err != nil {
					return nil, err
				}
				out = append(out, el)
				continue
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func readElement(dec *xml.Decoder, start xml.StartElement) (*xmlElement, error) {
	el := &xmlElement{name: elementName(start.Name), attrs: map[string]string{}}
	for _, a := range start.Attr {
		el.attrs[strings.ToLower(a.Name.Local)] = a.Value
	}
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			child, err := readElement(dec, t)
			if err != nil {
				return nil, err
			}
			el.children = append(el.children, child)
		case xml.EndElement:
			el.text = strings.TrimSpace(text.String())
			return el, nil
		}
	}
}

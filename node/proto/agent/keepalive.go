package agentproto

import (
	"bytes"
	"strings"
)

// Label is one agent label line of a keepalive: [#][!]"<key>":<value>
// (System = '#', Hidden = '!').
type Label struct {
	Key, Value     string
	System, Hidden bool
}

// String renders the label line as the agent sends it (without '\n').
func (l Label) String() string {
	return string(l.appendLine(nil))
}

func (l Label) appendLine(dst []byte) []byte {
	if l.System {
		dst = append(dst, '#')
	}
	if l.Hidden {
		dst = append(dst, '!')
	}
	dst = append(dst, '"')
	dst = append(dst, l.Key...)
	dst = append(dst, '"', ':')
	return append(dst, l.Value...)
}

// LabelsText joins labels as remoted passes them to wazuh-db ("labels"
// field of update-agent-data): one label line each, separated by '\n'.
func LabelsText(labels []Label) string {
	var b []byte
	for i, l := range labels {
		if i > 0 {
			b = append(b, '\n')
		}
		b = l.appendLine(b)
	}
	return string(b)
}

// parseLabel splits a label line. Lines that do not follow the quoted-key
// form keep their text up to the first ':' as key.
func parseLabel(line string) Label {
	var l Label
	if strings.HasPrefix(line, "#") {
		l.System, line = true, line[1:]
	}
	if strings.HasPrefix(line, "!") {
		l.Hidden, line = true, line[1:]
	}
	if strings.HasPrefix(line, `"`) {
		if k, v, ok := strings.Cut(line[1:], `":`); ok {
			l.Key, l.Value = k, v
			return l
		}
	}
	l.Key, l.Value, _ = strings.Cut(line, ":")
	return l
}

// OSInfo is the OS description remoted derives from a keepalive's uname.
type OSInfo struct{ Name, Version, Major, Minor, Codename, Platform, Build, Uname, Arch string }

// Keepalive is a parsed agent keepalive. Version includes the word "Wazuh"
// ("Wazuh v4.14.7"); absent fields are empty.
type Keepalive struct {
	Uname, Version, ConfigSum, MergedSum, AgentIP string
	Labels                                        []Label
	OS                                            OSInfo
}

const (
	agentIPLabel     = `#"_agent_ip":`
	sharedConfigName = "merged.mg"
	productName      = "Wazuh"
)

// ParseKeepalive parses a keepalive message (the "#!-" header may be
// included) as remoted's parse_agent_update_msg does: the text is cut after
// its last '\n' (ErrNoNewline when there is none), invalid UTF-8 is
// replaced, and each non-empty line is a label ('#', '!' or '"' first; the
// "_agent_ip" system label sets AgentIP instead), the
// "<uname> - <version>[ / <config sum>]" line, or "<sum> merged.mg". A later
// line of the same kind overrides an earlier one.
func ParseKeepalive(msg []byte) (Keepalive, error) {
	msg = bytes.TrimPrefix(msg, []byte(ControlPrefix))
	// remoted handles the message as a C string.
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	last := bytes.LastIndexByte(msg, '\n')
	if last < 0 {
		return Keepalive{}, ErrNoNewline
	}
	text := strings.ToValidUTF8(string(msg[:last+1]), "\uFFFD")

	var k Keepalive
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" {
			continue
		}
		switch line[0] {
		case '#', '!', '"':
			if ip, ok := strings.CutPrefix(line, agentIPLabel); ok {
				k.AgentIP = ip
			} else {
				k.Labels = append(k.Labels, parseLabel(line))
			}
			continue
		}
		if uname, rest, ok := strings.Cut(line, " - "); ok {
			k.OS = parseUname(uname)
			k.Uname = k.OS.Uname
			if version, sum, ok := strings.Cut(rest, " / "); ok {
				k.Version, k.ConfigSum = version, sum
			} else if i := strings.Index(rest, productName); i >= 0 {
				k.Version = rest[i:]
			}
			continue
		}
		if sum, name, ok := strings.Cut(line, " "); ok {
			// remoted compares one character less than the file name.
			if strings.HasPrefix(name, sharedConfigName[:len(sharedConfigName)-1]) {
				k.MergedSum = sum
			}
		}
	}
	return k, nil
}

// EncodeKeepalive builds an agent's keepalive text (agent §3.3), "#!-"
// included. version is the full "Wazuh v4.14.7"; configSum "" omits the
// " / <sum>" part; mergedSum "" is sent as "x" (no merged.mg); agentIP ""
// omits the _agent_ip line.
func EncodeKeepalive(uname, version, configSum string, labels []Label, mergedSum, agentIP string) []byte {
	b := make([]byte, 0, 128+len(uname)+32*len(labels))
	b = append(b, ControlPrefix...)
	b = append(b, uname...)
	b = append(b, " - "...)
	b = append(b, version...)
	if configSum != "" {
		b = append(b, " / "...)
		b = append(b, configSum...)
	}
	b = append(b, '\n')
	for _, l := range labels {
		b = l.appendLine(b)
		b = append(b, '\n')
	}
	if mergedSum == "" {
		mergedSum = "x"
	}
	b = append(b, mergedSum...)
	b = append(b, ' ')
	b = append(b, sharedConfigName...)
	b = append(b, '\n')
	if agentIP != "" {
		b = append(b, agentIPLabel...)
		b = append(b, agentIP...)
		b = append(b, '\n')
	}
	return b
}

package messages

import "bytes"

// Hello is the worker's first request: "<name> <cluster> <node type> <version>" (§4.1).
type Hello struct {
	Name     string
	Cluster  string
	NodeType string
	Version  string
}

// ParseHello splits a hello payload on single spaces into exactly four fields, as the master's
// `name, cluster_name, node_type, version = data.split(b' ')` does. Any other count fails with a
// *WazuhError (WazuhInternalError 1000 carrying Python's ValueError text); fields are not
// otherwise checked here (see ValidNodeName).
func ParseHello(p []byte) (Hello, error) {
	fields := bytes.Split(p, []byte{' '})
	if len(fields) != 4 {
		return Hello{}, unpackError(4, len(fields))
	}
	return Hello{
		Name:     string(fields[0]),
		Cluster:  string(fields[1]),
		NodeType: string(fields[2]),
		Version:  string(fields[3]),
	}, nil
}

// Encode builds the hello payload.
func (h Hello) Encode() []byte {
	return []byte(h.Name + " " + h.Cluster + " " + h.NodeType + " " + h.Version)
}

// MaxNodeNameLen bounds a worker's node name. Wazuh's pattern has no bound, but its master makes
// queue/cluster/<name>/ for every worker, so a name longer than a file name (NAME_MAX, 255 bytes)
// never completes a hello there either.
const MaxNodeNameLen = 255

// ValidNodeName reports whether name matches ^[A-Za-z0-9_-]+$, the rule the 4.14.7 master
// applies to a worker's name before anything else (error 3060 otherwise), and is at most
// MaxNodeNameLen bytes long.
func ValidNodeName(name string) bool {
	if name == "" || len(name) > MaxNodeNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

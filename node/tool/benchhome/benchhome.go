// Package benchhome holds what the real-process benchmark tools share: the ossec.conf of a
// clusterd node on a loopback address, and reading a node's cluster.log.
package benchhome

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Node is one node's <cluster> section.
type Node struct {
	Name, Type  string // node_name; "master" or "worker"
	Key         string // the cluster's 32-character key
	Port        int
	BindIP      string
	MasterIP    string // the one address of <nodes>
	ClusterName string // "bench" when empty
}

// OssecConf is the node's ossec.conf: a <cluster> section and nothing else.
func (n Node) OssecConf() string {
	name := n.ClusterName
	if name == "" {
		name = "bench"
	}
	return fmt.Sprintf(`<ossec_config>
  <cluster>
    <name>%s</name>
    <node_name>%s</node_name>
    <node_type>%s</node_type>
    <key>%s</key>
    <port>%d</port>
    <bind_addr>%s</bind_addr>
    <nodes><node>%s</node></nodes>
    <hidden>no</hidden>
    <disabled>no</disabled>
  </cluster>
</ossec_config>
`, name, n.Name, n.Type, n.Key, n.Port, n.BindIP, n.MasterIP)
}

// CountLines counts the lines of a log that hold text; a missing file has none.
func CountLines(path, text string) (int, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), text) {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("read %s: %w", path, err)
	}
	return n, nil
}

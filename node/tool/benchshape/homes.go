package benchshape

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clusterd/clusterd/node/fsutil"
	"github.com/clusterd/clusterd/node/tool/benchhome"
)

// node is one clusterd process of the shape.
type node struct {
	name, typ, ip, home string
	keys                string // agentsim's client.keys for the agents of this worker
	agents              int
}

// layout writes every node's home under c.Data and returns the nodes, the master first. The
// master's client.keys registers every agent (the agents of an existing installation, imported
// at its first start); each worker gets its agents' keys in a file of its own for agentsim.
func layout(c Config) ([]*node, error) {
	if err := os.RemoveAll(c.Data); err != nil {
		return nil, fmt.Errorf("empty %s: %w", c.Data, err)
	}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	clusterKey := hex.EncodeToString(key)
	nodes := []*node{{name: "master", typ: "master", ip: c.masterIP(), home: filepath.Join(c.Data, "master")}}
	for k := range c.Workers {
		nodes = append(nodes, &node{name: workerName(k), typ: "worker", ip: c.workerIP(k),
			home: filepath.Join(c.Data, workerName(k))})
	}
	for _, n := range nodes {
		if err := writeHome(c, n, clusterKey); err != nil {
			return nil, err
		}
	}
	if err := writeMasterFiles(nodes[0].home); err != nil {
		return nil, err
	}
	if err := writeKeys(c, nodes); err != nil {
		return nil, err
	}
	return nodes, nil
}

func writeHome(c Config, n *node, clusterKey string) error {
	for _, d := range []string{"etc", "logs", "queue/cluster"} {
		if err := os.MkdirAll(filepath.Join(n.home, d), 0o750); err != nil {
			return fmt.Errorf("lay out %s: %w", n.home, err)
		}
	}
	conf := benchhome.Node{Name: n.name, Type: n.typ, Key: clusterKey, Port: c.Port, BindIP: n.ip, MasterIP: c.masterIP()}.OssecConf()
	// Wazuh's intervals are left at their defaults: this is Wazuh's benchmark shape.
	js := fmt.Sprintf(`{"clusterd": {"gossip": {"port": %d}}}
`, c.Port+1)
	if err := os.WriteFile(filepath.Join(n.home, "etc", "ossec.conf"), []byte(conf), 0o640); err != nil {
		return fmt.Errorf("write %s's ossec.conf: %w", n.name, err)
	}
	if err := os.WriteFile(filepath.Join(n.home, "etc", "cluster.json"), []byte(js), 0o640); err != nil {
		return fmt.Errorf("write %s's cluster.json: %w", n.name, err)
	}
	return nil
}

// masterFiles are the synced files of a fresh manager beside client.keys: the default
// group's agent.conf, the local rules and decoders, and CDB lists, as text of the sizes a
// default installation holds.
var masterFiles = map[string]string{
	"etc/shared/default/agent.conf": "<agent_config>\n  <!-- Shared agent configuration here -->\n</agent_config>\n",
	"etc/rules/local_rules.xml": `<!-- Local rules -->
<group name="local,syslog,sshd,">
  <rule id="100001" level="5">
    <if_sid>5716</if_sid>
    <srcip>1.1.1.1</srcip>
    <description>sshd: authentication failed from IP 1.1.1.1.</description>
    <group>authentication_failed,pci_dss_10.2.4,pci_dss_10.2.5,</group>
  </rule>
</group>
`,
	"etc/decoders/local_decoder.xml": `<!-- Local decoders -->
<decoder name="local_decoder_example">
    <program_name>local_decoder_example</program_name>
</decoder>
`,
	"etc/lists/audit-keys":            listOf("audit-wazuh-", []string{"w:write", "r:read", "a:attribute", "x:execute", "c:command"}),
	"etc/lists/security-eventchannel": listOf("", []string{"Security:4624", "Security:4625", "Security:4634", "Security:4647", "Security:4648", "Security:4672", "Security:4720", "Security:4722", "Security:4724", "Security:4738"}),
}

func listOf(prefix string, entries []string) string {
	var b strings.Builder
	for _, e := range entries {
		k, v, _ := strings.Cut(e, ":")
		fmt.Fprintf(&b, "%s%s:%s\n", prefix, k, v)
	}
	return b.String()
}

func writeMasterFiles(home string) error {
	for rel, text := range masterFiles {
		path := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return fmt.Errorf("lay out the master's files: %w", err)
		}
		if err := os.WriteFile(path, []byte(text), 0o640); err != nil {
			return fmt.Errorf("write the master's %s: %w", rel, err)
		}
	}
	return nil
}

// writeKeys registers every agent in the master's client.keys and gives agent i to worker
// i mod workers.
func writeKeys(c Config, nodes []*node) error {
	workers := nodes[1:]
	all := make([]strings.Builder, 1+len(workers))
	raw := make([]byte, 32)
	for i := range c.Agents {
		_, _ = rand.Read(raw)
		line := fmt.Sprintf("%03d shape-%06d any %s\n", i+1, i+1, hex.EncodeToString(raw))
		all[0].WriteString(line)
		w := i % len(workers)
		all[1+w].WriteString(line)
		workers[w].agents++
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(nodes[0].home, "etc", "client.keys"), []byte(all[0].String()), 0o640); err != nil {
		return fmt.Errorf("write the master's client.keys: %w", err)
	}
	for k, w := range workers {
		w.keys = filepath.Join(c.Data, "agents", w.name+".keys")
		if err := os.MkdirAll(filepath.Dir(w.keys), 0o750); err != nil {
			return fmt.Errorf("lay out the agents' keys: %w", err)
		}
		if err := fsutil.WriteFileAtomic(w.keys, []byte(all[1+k].String()), 0o640); err != nil {
			return fmt.Errorf("write %s's agents' keys: %w", w.name, err)
		}
	}
	return nil
}

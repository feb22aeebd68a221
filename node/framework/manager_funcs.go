package framework

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/fsutil"
)

// The node functions of framework/wazuh/manager.py that GET /cluster/{node_id}/info and
// /cluster/{node_id}/status run on the node named.

func init() {
	register("wazuh.manager", "get_basic_info", native{run: getBasicInfo})
	register("wazuh.manager", "get_status", native{run: getStatus})
}

// getBasicInfo is manager.get_basic_info: Wazuh().to_dict() and, on the master, the
// installation's uuid.
func getBasicInfo(c *call) (dapi.Result, error) {
	d, err := c.gate(c.selfGate("cluster:read"))
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("get_basic_info"); err != nil {
		return nil, err
	}
	node := c.n.cfg.Node
	now := c.n.cfg.Now()
	var uuid any
	if node.Type == messages.NodeTypeMaster {
		id, err := installationUID(node.Home)
		if err != nil {
			return nil, err
		}
		uuid = id
	}
	zone, _ := now.Zone()
	res := dapi.NewAffectedItems("Basic information was successfully read in specified node",
		"Could not read basic information in some nodes", "Could not read basic information in specified node")
	res.Items = []any{messages.Object{
		{Key: "path", Value: node.Home},
		{Key: "version", Value: "v" + c.n.version()},
		{Key: "type", Value: "server"},
		{Key: "max_agents", Value: "unlimited"},
		{Key: "openssl_support", Value: "N/A"}, // wazuh-db's info table, which clusterd's store does not have
		{Key: "tz_offset", Value: now.Format("-0700")},
		{Key: "tz_name", Value: zone},
		{Key: "uuid", Value: uuid},
	}}
	res.Total = 1
	postList(res, d)
	return res, nil
}

// version is the Wazuh version this node speaks, "4.14.7".
func (n *Native) version() string {
	return strings.TrimPrefix(n.cfg.Manager.Version, "Wazuh v")
}

// installationUID is common.get_installation_uid: api/configuration/security/installation_uid,
// made (a random uuid4) when missing.
func installationUID(home string) (string, error) {
	path := filepath.Join(home, "api", "configuration", "security", "installation_uid")
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read the installation uid: %w", err)
	}
	id, err := uuid4()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("write the installation uid: %w", err)
	}
	if err := fsutil.WriteFileAtomic(path, []byte(id), 0o660); err != nil {
		return "", fmt.Errorf("write the installation uid: %w", err)
	}
	return id, nil
}

// uuid4 is str(uuid.uuid4()).
func uuid4() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// getStatus is manager.get_status: the status of each of the manager's daemons.
func getStatus(c *call) (dapi.Result, error) {
	d, err := c.gate(c.selfGate("cluster:read"))
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("get_status"); err != nil {
		return nil, err
	}
	status, err := c.n.managerStatus()
	if err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("Processes status was successfully read in specified node",
		"Could not read basic information in some nodes", "Could not read processes status in specified node")
	res.Items = []any{status}
	res.Total = 1
	postList(res, d)
	return res, nil
}

// managerProcesses are the daemons get_manager_status reports, in its order.
var managerProcesses = []string{"wazuh-agentlessd", "wazuh-analysisd", "wazuh-authd", "wazuh-csyslogd",
	"wazuh-monitord", "wazuh-execd", "wazuh-integratord", "wazuh-logcollector", "wazuh-maild", "wazuh-remoted",
	"wazuh-reportd", "wazuh-syscheckd", "wazuh-clusterd", "wazuh-modulesd", "wazuh-db", "wazuh-apid"}

// pidFileName is get_manager_status' pidfile_regex.
var pidFileName = regexp.MustCompile(`.+-(\d+)\.pid$`)

// managerStatus is get_manager_status, read as Wazuh reads it from var/run: a daemon is
// "failed" with a <daemon>.failed marker, "restarting" while .restart exists, "starting" with
// <daemon>.start, "running" when one of its <daemon>-<pid>.pid files names a live process
// ("failed" when none does), else "stopped". Two answers are clusterd's own: wazuh-clusterd is
// this process, so "running" (clusterd writes no pid file); and a daemon whose role clusterd
// plays itself (Config.OwnDaemons: its enrollment service, its agent listener, its agent
// store) is "running" when var/run says nothing of it.
func (n *Native) managerStatus() (messages.Object, error) {
	proc := n.cfg.ProcRoot
	if proc == "" {
		proc = "/proc"
	}
	if _, err := os.Stat(proc); err != nil {
		return nil, messages.ErrManagerStatus.With(err.Error())
	}
	runDir := filepath.Join(n.cfg.Node.Home, "var", "run")
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	out := make(messages.Object, 0, len(managerProcesses))
	for _, p := range managerProcesses {
		pidFiles, _ := filepath.Glob(filepath.Join(runDir, globEscape(p)+"-*.pid"))
		state := "stopped"
		switch {
		case p == "wazuh-clusterd":
			state = "running"
		case exists(filepath.Join(runDir, p+".failed")):
			state = "failed"
		case exists(filepath.Join(runDir, ".restart")):
			state = "restarting"
		case exists(filepath.Join(runDir, p+".start")):
			state = "starting"
		case len(pidFiles) > 0:
			state = "failed"
			for _, f := range pidFiles {
				m := pidFileName.FindStringSubmatch(f)
				if m == nil {
					return nil, pyError{"AttributeError: 'NoneType' object has no attribute 'group'"}
				}
				if exists(filepath.Join(proc, m[1])) {
					state = "running"
					break
				}
			}
		case containsString(n.cfg.OwnDaemons, p):
			state = "running"
		}
		out = append(out, messages.Member{Key: p, Value: state})
	}
	return out, nil
}

// globEscape protects glob's special characters in a daemon name.
func globEscape(s string) string {
	return strings.NewReplacer("[", "\\[", "*", "\\*", "?", "\\?").Replace(s)
}

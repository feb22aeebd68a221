package framework

import (
	"errors"
	"sort"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The /cluster functions of framework/wazuh/cluster.py and wazuh/core/cluster/control.py.

func init() {
	register("wazuh.cluster", "get_node_wrapper", native{run: getNodeWrapper})
	register("wazuh.cluster", "read_config_wrapper", native{run: readConfigWrapper})
	register("wazuh.cluster", "get_nodes_info", native{run: getNodesInfo})
	register("wazuh.cluster", "get_health_nodes", native{run: getHealthNodes})
	register("wazuh.cluster", "get_status_json", native{run: getStatusJSON})
	register("wazuh.cluster", "get_ruleset_sync_status", native{run: getRulesetSyncStatus})
	register("wazuh.core.cluster.control", "get_node_ruleset_integrity", native{run: getNodeRulesetIntegrity})
}

// selfGate is @expose_resources(actions=[action], resources=[f'node:id:{node_id}']): this node.
func (c *call) selfGate(action string) dapi.Gate {
	return dapi.Gate{Actions: []string{action}, Resource: "node:id:" + c.n.cfg.Node.Name}
}

// nodeFilterGate is the decorator of the functions that take filter_node.
var nodeFilterGate = dapi.Gate{Actions: []string{"cluster:read"}, Resource: "node:id:{filter_node}"}

// getNodeWrapper is get_node_wrapper (GET /cluster/local/info): this node's name, cluster and
// type.
func getNodeWrapper(c *call) (dapi.Result, error) {
	d, err := c.gate(c.selfGate("cluster:read"))
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("get_node_wrapper"); err != nil {
		return nil, err
	}
	node := c.n.cfg.Node
	res := dapi.NewAffectedItems("All selected information was returned", "", "No information was returned")
	res.Items = []any{messages.Object{{Key: "node", Value: node.Name}, {Key: "cluster", Value: node.Cluster},
		{Key: "type", Value: node.Type}}}
	res.Total = 1
	postList(res, d)
	return res, nil
}

// readConfigWrapper is read_config_wrapper (GET /cluster/local/config): the <cluster> block,
// its key masked ("*****") for a caller who may not update the configuration
// (@mask_sensitive_config).
func readConfigWrapper(c *call) (dapi.Result, error) {
	d, err := c.gate(c.selfGate("cluster:read"))
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("read_config_wrapper"); err != nil {
		return nil, err
	}
	config := append(messages.Object(nil), c.n.cfg.Node.Config...)
	if !c.mayUpdateConfig() {
		for i := range config {
			if config[i].Key == "key" {
				config[i].Value = "*****"
			}
		}
	}
	res := dapi.NewAffectedItems("All selected information was returned", "", "No information was returned")
	res.Items = []any{config}
	res.Total = 1
	postList(res, d)
	return res, nil
}

// mayUpdateConfig is _has_update_permissions: a policy allowing manager:update_config or
// cluster:update_config on any resource, whatever the RBAC mode.
func (c *call) mayUpdateConfig() bool {
	for _, action := range []string{"manager:update_config", "cluster:update_config"} {
		policy, err := c.req.RBAC.Policy(action)
		if err != nil {
			continue
		}
		for _, m := range policy {
			if m.Value == "allow" {
				return true
			}
		}
	}
	return false
}

// getNodesParams are control.get_nodes' parameters after the local client.
var getNodesParams = []string{"filter_node", "offset", "limit", "sort", "search", "select", "filter_type", "q", "distinct"}

// getNodesInfo is get_nodes_info (GET /cluster/nodes): the nodes the caller may read, through
// control.get_nodes (get_nodes on the local socket, then q in memory). Nodes the API listed
// that the master no longer has are failed items 1730.
func getNodesInfo(c *call) (dapi.Result, error) {
	d, err := c.gate(nodeFilterGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_nodes", getNodesParams...); err != nil {
		return nil, err
	}
	filter, err := c.listArg("filter_node")
	if err != nil {
		return nil, err
	}
	var nodes, missing []string
	for _, name := range dedupeStrings(filter) {
		if containsString(c.req.Nodes, name) {
			nodes = append(nodes, name)
		} else {
			missing = append(missing, name)
		}
	}
	data, err := c.getNodes(nodes)
	if err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("All selected nodes information was returned",
		"Some nodes information was not returned", "No information was returned")
	res.Items = data.items
	res.Total = data.total
	for _, name := range missing {
		res.AddFailed(name, messages.ErrNodeNotFound.New())
	}
	postList(res, d)
	return res, nil
}

// nodesPage is get_nodes' answer.
type nodesPage struct {
	items []any
	total int
}

// getNodes is control.get_nodes: the get_nodes arguments as it sends them (with a q, the
// first 500 nodes, the page cut after q), answered as the master answers them.
func (c *call) getNodes(filter []string) (nodesPage, error) {
	q, err := c.strArg("q", "")
	if err != nil {
		return nodesPage{}, err
	}
	args := messages.Object{{Key: "filter_node", Value: stringsToAny(append([]string{}, filter...))}}
	for _, key := range []string{"offset", "limit", "sort", "search", "select", "filter_type", "distinct"} {
		def := map[string]any{"offset": 0, "limit": databaseLimit, "filter_type": "all", "distinct": false}[key]
		v, ok := c.arg(key)
		if !ok {
			v = def
		}
		if q != "" && (key == "offset" || key == "limit") {
			v = map[string]any{"offset": 0, "limit": databaseLimit}[key]
		}
		args = append(args, messages.Member{Key: key, Value: v})
	}
	parsed, err := messages.ParseGetNodesArgs(messages.EncodeJSON(args))
	if err != nil {
		return nodesPage{}, err
	}
	view, err := c.n.cfg.Cluster.Nodes(c.ctx)
	if err != nil {
		return nodesPage{}, err
	}
	selected, werr := messages.SelectNodes(view.Nodes, parsed)
	if werr != nil {
		return nodesPage{}, werr
	}
	items := make([]any, len(selected.Items))
	for i, it := range selected.Items {
		o := make(messages.Object, len(it))
		for j, f := range it {
			o[j] = messages.Member{Key: f.Key, Value: f.Value}
		}
		items[i] = o
	}
	page := nodesPage{items: items, total: selected.TotalItems}
	if q == "" {
		return page, nil
	}
	kept, err := filterArrayByQuery(q, items)
	if err != nil {
		return nodesPage{}, err
	}
	offset, err := c.intArg("offset", 0)
	if err != nil {
		return nodesPage{}, err
	}
	limit, err := c.optIntArg("limit", intPtr(databaseLimit))
	if err != nil {
		return nodesPage{}, err
	}
	if limit == nil {
		return nodesPage{}, pyTypeError("unsupported operand type(s) for +: 'int' and 'NoneType'")
	}
	return nodesPage{items: pySlice(kept, offset, offset+*limit), total: len(kept)}, nil
}

// pySlice is list[start:stop].
func pySlice(items []any, start, stop int) []any {
	n := len(items)
	norm := func(i int) int {
		if i < 0 {
			i += n
			if i < 0 {
				i = 0
			}
		}
		if i > n {
			i = n
		}
		return i
	}
	start, stop = norm(start), norm(stop)
	if start >= stop {
		return []any{}
	}
	return items[start:stop]
}

func intPtr(n int) *int { return &n }

// getHealthNodes is get_health_nodes (GET /cluster/healthcheck): the health of the nodes the
// caller may read, sorted by name.
func getHealthNodes(c *call) (dapi.Result, error) {
	d, err := c.gate(nodeFilterGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_health_nodes", "filter_node"); err != nil {
		return nil, err
	}
	filter, err := c.listArg("filter_node")
	if err != nil {
		return nil, err
	}
	view, err := c.n.cfg.Cluster.Nodes(c.ctx)
	if err != nil {
		return nil, err
	}
	type entry struct {
		name string
		obj  messages.Object
	}
	var entries []entry
	for _, n := range view.Nodes {
		isMaster := n.Type == messages.NodeTypeMaster
		if filter != nil && !containsString(filter, n.Name) {
			continue
		}
		h, ok := view.Health[n.Name]
		if !ok {
			continue
		}
		if isMaster {
			h.Status = nil
		}
		obj, err := healthEntry(n.Name, h)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{name: h.Info.Name, obj: obj})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	res := dapi.NewAffectedItems("All selected nodes healthcheck information was returned",
		"Some nodes healthcheck information was not returned", "No healthcheck information was returned")
	res.Items = make([]any, len(entries))
	for i, e := range entries {
		res.Items[i] = e.obj
	}
	res.Total = len(entries)
	postList(res, d)
	return res, nil
}

// healthEntry is one node's get_health entry as the master writes it.
func healthEntry(name string, h messages.NodeHealth) (messages.Object, error) {
	doc := messages.Health{Nodes: map[string]messages.NodeHealth{name: h}, Order: []string{name}}
	v, err := messages.DecodeOrdered(doc.Encode())
	if err != nil {
		return nil, err
	}
	nodes, _ := v.(messages.Object).Get("nodes")
	entry, _ := nodes.(messages.Object).Get(name)
	obj, _ := entry.(messages.Object)
	return obj, nil
}

// getStatusJSON is get_status_json (GET /cluster/status): whether the cluster is enabled and
// clusterd runs.
func getStatusJSON(c *call) (dapi.Result, error) {
	d, err := c.gate(dapi.Gate{Actions: []string{"cluster:status"}, Resource: "*:*:*"})
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("get_status_json"); err != nil {
		return nil, err
	}
	enabled := "yes"
	if v, _ := c.n.cfg.Node.Config.Get("disabled"); messages.PyTruthy(v) {
		enabled = "no"
	}
	running := "no"
	if status, err := c.n.managerStatus(); err == nil {
		if v, _ := status.Get("wazuh-clusterd"); v == "running" {
			running = "yes"
		}
	} else if !errors.Is(err, messages.ErrManagerStatus) {
		return nil, err
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "data", Value: messages.Object{
		{Key: "enabled", Value: enabled}, {Key: "running", Value: running}}}}), nil
}

// getNodeRulesetIntegrity is control.get_node_ruleset_integrity: this node's get_hash.
func getNodeRulesetIntegrity(c *call) (dapi.Result, error) {
	if err := c.bind("get_node_ruleset_integrity"); err != nil {
		return nil, err
	}
	hashes, err := c.n.cfg.Cluster.RulesetHashes(c.ctx)
	if err != nil {
		return nil, err
	}
	return dapi.NewWazuhResult(hashes), nil
}

// getRulesetSyncStatus is get_ruleset_sync_status (GET /cluster/ruleset/synchronization, on
// each node): whether this node's custom ruleset hashes equal the master's.
func getRulesetSyncStatus(c *call) (dapi.Result, error) {
	d, err := c.gate(c.selfGate("cluster:read"))
	if err != nil {
		return nil, err
	}
	if d.Skip {
		return nil, skipped()
	}
	if err := c.bind("get_ruleset_sync_status", "master_md5"); err != nil {
		return nil, err
	}
	masterMD5, _ := c.arg("master_md5")
	res := dapi.NewAffectedItems("Nodes ruleset synchronization status was successfully read",
		"Could not read ruleset synchronization status in some nodes", "Could not read ruleset synchronization status")
	res.SortCasting = []string{"str"}
	name := c.n.cfg.Node.Name
	hashes, err := c.n.cfg.Cluster.RulesetHashes(c.ctx)
	var werr *messages.WazuhError
	switch {
	case errors.As(err, &werr) && wazuhErrorFamily(werr.Class):
		res.AddFailed(name, werr)
	case err != nil:
		return nil, err
	default:
		res.Items = []any{messages.Object{{Key: "name", Value: name}, {Key: "synced", Value: pyEqual(masterMD5, hashes)}}}
	}
	res.Total = len(res.Items)
	postList(res, d)
	return res, nil
}

// wazuhErrorFamily reports WazuhError and its subclasses (what `except WazuhError` catches).
func wazuhErrorFamily(class string) bool {
	switch class {
	case messages.ClassWazuhError, messages.ClassWazuhResourceNotFound, messages.ClassWazuhPermissionError,
		messages.ClassWazuhTooManyRequests, messages.ClassWazuhNotAcceptable:
		return true
	}
	return false
}

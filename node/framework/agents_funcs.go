package framework

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The agent listings of framework/wazuh/agent.py and Agent.get_agents_overview
// (framework/wazuh/core/agent.py), over the node's agent store.

func init() {
	register("wazuh.core.agent", "Agent.get_agents_overview", native{run: getAgentsOverview, needsStore: true})
	register("wazuh.agent", "get_agents", native{run: getAgents, needsStore: true})
	register("wazuh.agent", "get_agents_summary_status", native{run: getAgentsSummaryStatus, needsStore: true})
	register("wazuh.agent", "get_agents_summary_os", native{run: getAgentsSummaryOS, needsStore: true})
	register("wazuh.agent", "get_agents_keys", native{run: getAgentsKeys, needsStore: true})
	register("wazuh.agent", "get_distinct_agents", native{run: getDistinctAgents, needsStore: true})
	register("wazuh.agent", "get_outdated_agents", native{run: getOutdatedAgents, needsStore: true})
}

// agentReadGate is @expose_resources(actions=["agent:read"], resources=["agent:id:{agent_list}"]).
var agentReadGate = dapi.Gate{Actions: []string{"agent:read"}, Resource: "agent:id:{agent_list}"}

// systemAgents is get_agents_info (the RBAC wildcards expand to it too): shared by the calls
// while the store does not change; read only.
func (c *call) systemAgents() ([]string, error) {
	all, err := c.allAgents()
	if err != nil {
		return nil, err
	}
	return all.ids, nil
}

// knownAgents is get_agents_info as a set; read only.
func (c *call) knownAgents() (agentSet, error) {
	all, err := c.allAgents()
	if err != nil {
		return nil, err
	}
	return all.set, nil
}

func (c *call) allAgents() (*agentIDs, error) {
	if c.agents == nil {
		all, err := c.n.db.sharedAgentIDs(c.ctx)
		if err != nil {
			return nil, err
		}
		c.agents = all
	}
	return c.agents, nil
}

// rbacFilters is get_rbac_filters: the shorter of the allowed ids (IN) and the system's other
// ids (NOT IN). The other ids are only listed when they are the shorter: one agent asked for
// among 10,000 costs a count, not a walk building the 9,999 others.
func rbacFilters(system, permitted []string) *rbacFilter {
	allowed := make(map[string]bool, len(permitted))
	for _, id := range permitted {
		allowed[id] = true
	}
	if len(permitted) < len(system)-len(allowed) {
		// Fewer permitted than the fewest others there can be (every permitted id a known one).
		return &rbacFilter{ids: permitted}
	}
	var others []string
	for _, id := range system {
		if !allowed[id] {
			others = append(others, id)
		}
	}
	if len(permitted) < len(others) {
		return &rbacFilter{ids: permitted}
	}
	return &rbacFilter{ids: others, negate: true}
}

// queryArgs reads the arguments every listing passes to WazuhDBQueryAgents.
func (c *call) queryArgs(q *agentQuery, selectKey string) error {
	var err error
	if q.offset, err = c.intArg("offset", 0); err != nil {
		return err
	}
	if q.limit, err = c.optIntArg("limit", intPtr(databaseLimit)); err != nil {
		return err
	}
	if q.sort, err = c.sortArg("sort"); err != nil {
		return err
	}
	if q.search, err = c.searchArg("search"); err != nil {
		return err
	}
	if selectKey != "" {
		if q.selectFields, err = c.listArg(selectKey); err != nil {
			return err
		}
	}
	if q.q, err = c.strArg("q", ""); err != nil {
		return err
	}
	return nil
}

// getAgentsOverview is Agent.get_agents_overview (cluster_control -a, the DAPI's node choice,
// the health's active agents): the agents with their fields, as a plain dict
// {"items": [...], "totalItems": N} that travels as a WazuhResult. It is not RBAC-protected.
//
// cluster_control joins its status and node filters with "," into one value; Wazuh 4.14.7
// compares that text as a whole and matches nothing when two are given, clusterd matches any
// of them, which is what cluster_control -fs/-fn ask for.
func getAgentsOverview(c *call) (dapi.Result, error) {
	if err := c.bind("get_agents_overview", "offset", "limit", "sort", "search", "select", "filters", "q",
		"count", "get_data"); err != nil {
		return nil, err
	}
	q := newAgentQuery()
	if err := c.queryArgs(q, "select"); err != nil {
		return nil, err
	}
	q.count = c.boolOr("count", true)
	q.getData = c.boolOr("get_data", true)
	filters, given, err := c.filtersArg("filters")
	if err != nil {
		return nil, err
	}
	kept := filters[:0:0]
	var ids []string
	hasIDs := false
	for _, f := range filters {
		switch {
		case f.name == "id":
			hasIDs = true
			for _, v := range f.values {
				ids = append(ids, messages.PyStr(v))
			}
			continue
		case f.name == "status" || f.name == "node_name":
			f.values = splitCommaValues(f.values)
		}
		kept = append(kept, f)
	}
	q.filters, q.filtersGiven = kept, given && len(kept) > 0
	if hasIDs {
		system, err := c.systemAgents()
		if err != nil {
			return nil, err
		}
		q.rbac = rbacFilters(system, ids)
		q.filtersGiven = true
	}
	unifyVersionFilter(q.filters)
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	if !q.getData {
		return dapi.NewWazuhResult(messages.Object{{Key: "totalItems", Value: rows.total}}), nil
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "items", Value: rows.items}, {Key: "totalItems", Value: rows.total}}), nil
}

// boolOr reads a flag that defaults to true when absent.
func (c *call) boolOr(key string, def bool) bool {
	if _, ok := c.arg(key); !ok {
		return def
	}
	return c.boolArg(key)
}

// splitCommaValues splits "active,disconnected" into its values (cluster_control's joined
// filters).
func splitCommaValues(values []any) []any {
	var out []any
	for _, v := range values {
		if s, ok := v.(string); ok && strings.Contains(s, ",") {
			for _, part := range strings.Split(s, ",") {
				out = append(out, part)
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

var (
	plainVersion = regexp.MustCompile(`(?i)^v?\d+\.\d+\.\d+$`)
	wazuhVersion = regexp.MustCompile(`(?i)^wazuh \d+\.\d+\.\d+$`)
)

// unifyVersionFilter is unify_wazuh_version_format: "4.14.7" and "v4.14.7" become
// "wazuh v4.14.7", "wazuh 4.14.7" becomes "wazuh v4.14.7" (the comparison ignores case).
func unifyVersionFilter(filters []legacyFilter) {
	for i := range filters {
		if filters[i].name != "version" || len(filters[i].values) != 1 {
			continue
		}
		s, ok := filters[i].values[0].(string)
		if !ok {
			continue
		}
		switch {
		case plainVersion.MatchString(s):
			prefix := "wazuh v"
			if strings.Contains(s, "v") {
				prefix = "wazuh "
			}
			filters[i].values[0] = prefix + s
		case wazuhVersion.MatchString(s):
			filters[i].values[0] = strings.Replace(s, " ", " v", -1)
		}
	}
}

// getAgents is wazuh.agent.get_agents (GET /agents): the agents the caller may read,
// filtered, searched, sorted and paged as the query arguments say. Requested ids the node
// does not know are failed items 1701 (dropped when the caller named no agent).
func getAgents(c *call) (dapi.Result, error) {
	d, err := c.gate(agentReadGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_agents", "agent_list", "offset", "limit", "sort", "search", "select", "filters", "q",
		"distinct"); err != nil {
		return nil, err
	}
	res, err := c.listAgents(nil)
	if err != nil {
		return nil, err
	}
	postList(res, d, 1701)
	return res, nil
}

// listAgents is get_agents' body, with extra conditions prepended to q (get_agents_in_group's
// group).
func (c *call) listAgents(group *string) (*dapi.AffectedItems, error) {
	res := dapi.NewAffectedItems("All selected agents information was returned",
		"Some agents information was not returned", "No agent information was returned")
	agents, err := c.listArg("agent_list")
	if err != nil || len(agents) == 0 {
		return res, err
	}
	q := newAgentQuery()
	if err := c.queryArgs(q, "select"); err != nil {
		return nil, err
	}
	if group != nil {
		if q.q != "" {
			q.q = "group=" + *group + ";(" + q.q + ")"
		} else {
			q.q = "group=" + *group
		}
	}
	q.distinct = c.boolArg("distinct")
	if q.filters, _, err = c.filtersArg("filters"); err != nil {
		return nil, err
	}
	system, err := c.systemAgents()
	if err != nil {
		return nil, err
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	for _, id := range agents {
		if !known.has(id) {
			res.AddFailed(id, messages.ErrAgentNotFound.New())
		}
	}
	q.rbac, q.filtersGiven = rbacFilters(system, agents), true
	unifyVersionFilter(q.filters)
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	if q.sort != nil && q.sort.given && containsString(q.sort.fields, "version") {
		if rows.items, err = sortByVersion(rows.items, q.sort); err != nil {
			return nil, err
		}
	}
	res.Items = rows.items
	res.Total = rows.total
	return res, nil
}

// agentVersion is check_if_wazuh_agent_version's pattern, and the numbers parse takes.
var (
	agentVersionPrefix = regexp.MustCompile(`^Wazuh v(\d+)\.(\d+)\.(\d+)`)
	agentVersionNumber = regexp.MustCompile(`v(\d+)\.(\d+)\.(\d+)`)
)

// sortByVersion is get_agents' second sort when version is a sort field: versions as numbers,
// a missing version as 0.0.0, text without case.
func sortByVersion(items []any, s *sortSpec) ([]any, error) {
	keys := make([][]any, len(items))
	for i, it := range items {
		o, _ := it.(messages.Object)
		key := make([]any, len(s.fields))
		for j, f := range s.fields {
			v, _ := o.Get(f)
			str, isString := v.(string)
			switch {
			case f == "version" && isString && agentVersionPrefix.MatchString(str):
				key[j] = versionTuple(str)
			case f == "version" && (v == nil || str == "" && isString):
				key[j] = [3]int{}
			case isString:
				key[j] = strings.ToLower(str)
			default:
				key[j] = v
			}
		}
		keys[i] = key
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var cmpErr error
	desc := s.order != "asc"
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := keys[idx[a]], keys[idx[b]]
		if desc {
			x, y = y, x
		}
		c, err := compareKeys(x, y)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	out := make([]any, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out, nil
}

func versionTuple(s string) [3]int {
	m := agentVersionNumber.FindStringSubmatch(s)
	var t [3]int
	if m != nil {
		for i := range t {
			t[i], _ = strconv.Atoi(m[i+1])
		}
	}
	return t
}

// compareKeys compares two sort keys as Python compares tuples; values of different types
// that differ cannot be ordered (TypeError).
func compareKeys(x, y []any) (int, error) {
	for i := range x {
		a, b := x[i], y[i]
		switch av := a.(type) {
		case [3]int:
			bv, ok := b.([3]int)
			if !ok {
				return 0, pyTypeError("'<' not supported between instances of 'tuple' and '" + pyTypeName(b) + "'")
			}
			for k := range av {
				if av[k] != bv[k] {
					if av[k] < bv[k] {
						return -1, nil
					}
					return 1, nil
				}
			}
		case string:
			bv, ok := b.(string)
			if !ok {
				return 0, pyTypeError("'<' not supported between instances of 'str' and '" + pyTypeName(b) + "'")
			}
			if c := strings.Compare(av, bv); c != 0 {
				return c, nil
			}
		default:
			if !pyEqual(a, b) {
				na, okA := numberOf(a)
				nb, okB := numberOf(b)
				if !okA || !okB {
					return 0, pyTypeError("'<' not supported between instances of '" + pyTypeName(a) + "' and '" + pyTypeName(b) + "'")
				}
				return na.Cmp(nb), nil
			}
		}
	}
	return 0, nil
}

// getAgentsSummaryStatus is get_agents_summary_status (GET /agents/summary/status): the
// agents the caller may read (the manager aside) counted by connection status and by group
// configuration status.
func getAgentsSummaryStatus(c *call) (dapi.Result, error) {
	if _, err := c.gate(agentReadGate); err != nil {
		return nil, err
	}
	if err := c.bind("get_agents_summary_status", "agent_list"); err != nil {
		return nil, err
	}
	connection := messages.Object{{Key: "active", Value: 0}, {Key: "disconnected", Value: 0},
		{Key: "never_connected", Value: 0}, {Key: "pending", Value: 0}, {Key: "total", Value: 0}}
	configuration := messages.Object{{Key: "synced", Value: 0}, {Key: "not_synced", Value: 0}, {Key: "total", Value: 0}}
	agents, err := c.listArg("agent_list")
	if err != nil {
		return nil, err
	}
	if len(agents) > 0 {
		system, err := c.systemAgents()
		if err != nil {
			return nil, err
		}
		total := 0
		statuses, err := c.countBy(system, agents, "status", 4)
		if err != nil {
			return nil, err
		}
		for _, it := range statuses {
			connection = setCount(connection, it.key, it.count)
			total += it.count
		}
		syncs, err := c.countBy(system, agents, "group_config_status", 2)
		if err != nil {
			return nil, err
		}
		for _, it := range syncs {
			key := it.key
			if key == "not synced" {
				key = "not_synced"
			}
			configuration = setCount(configuration, key, it.count)
		}
		connection = setCount(connection, "total", total)
		configuration = setCount(configuration, "total", total)
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "data", Value: messages.Object{
		{Key: "connection", Value: connection}, {Key: "configuration", Value: configuration}}}}), nil
}

// groupCount is one row of a group-by count.
type groupCount struct {
	key   string
	count int
}

// countBy is the WazuhDBQueryGroupByAgents of the summary: the agents (not the manager)
// counted by one field.
func (c *call) countBy(system, agents []string, field string, limit int) ([]groupCount, error) {
	q := newAgentQuery()
	q.groupBy, q.groupFields, q.selectFields = true, []string{field}, []string{field}
	q.q, q.minSelect, q.limit = "id!=000", nil, intPtr(limit)
	q.rbac, q.filtersGiven = rbacFilters(system, agents), true
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	out := make([]groupCount, 0, len(rows.items))
	for _, it := range rows.items {
		o, _ := it.(messages.Object)
		k, _ := o.Get(field)
		n, _ := o.Get("count")
		count, _ := n.(int64)
		out = append(out, groupCount{key: messages.PyStr(k), count: int(count)})
	}
	return out, nil
}

// setCount sets (or appends) a counter of a summary dict.
func setCount(o messages.Object, key string, n int) messages.Object {
	for i := range o {
		if o[i].Key == key {
			o[i].Value = n
			return o
		}
	}
	return append(o, messages.Member{Key: key, Value: n})
}

// getAgentsSummaryOS is get_agents_summary_os (GET /agents/summary/os): the distinct
// platforms of the agents the caller may read, the manager aside.
func getAgentsSummaryOS(c *call) (dapi.Result, error) {
	if _, err := c.gate(agentReadGate); err != nil {
		return nil, err
	}
	if err := c.bind("get_agents_summary_os", "agent_list"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("Showing the operative system of all specified agents",
		"Could not get the operative system of some agents", "Could not get the operative system of the agents")
	agents, err := c.listArg("agent_list")
	if err != nil || len(agents) == 0 {
		return res, err
	}
	system, err := c.systemAgents()
	if err != nil {
		return nil, err
	}
	q := newAgentQuery()
	q.selectFields, q.defaultSortField, q.minSelect, q.distinct, q.q = []string{"os.platform"}, "os_platform", nil, true, "id!=000"
	q.rbac, q.filtersGiven = rbacFilters(system, agents), true
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	res.Items = []any{}
	for _, it := range rows.items {
		o, _ := it.(messages.Object)
		osv, ok := o.Get("os")
		if !ok {
			return nil, errKey("os")
		}
		platform, ok := osv.(messages.Object).Get("platform")
		if !ok {
			return nil, errKey("platform")
		}
		res.Items = append(res.Items, platform)
	}
	res.Total = len(res.Items)
	return res, nil
}

// getAgentsKeys is get_agents_keys (GET /agents/{agent_id}/key): each agent's client.keys
// entry, base64-encoded ("<id> <name> <registered ip> <key>").
func getAgentsKeys(c *call) (dapi.Result, error) {
	d, err := c.gate(agentReadGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_agents_keys", "agent_list"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("Obtained keys for all selected agents", "Some agent keys were not obtained",
		"No agent keys were obtained")
	agents, err := c.listArg("agent_list")
	if err != nil {
		return nil, err
	}
	if agents == nil {
		return nil, pyTypeError("'NoneType' object is not iterable")
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	var wanted []int
	for _, id := range agents {
		if n, ok := agentNumber(id); ok && known.has(id) && n > 0 {
			wanted = append(wanted, n)
		}
	}
	keys, err := c.n.db.agentKeys(c.ctx, wanted)
	if err != nil {
		return nil, err
	}
	for _, id := range agents {
		n, _ := agentNumber(id)
		switch key, ok := keys[n]; {
		case !known.has(id):
			res.AddFailed(id, messages.ErrAgentNotFound.New())
		case id == "000":
			res.AddFailed(id, messages.ErrManagerAgent.New())
		case !ok:
			// Removed between the two reads: load_info_from_db finds nothing.
			res.AddFailed(id, messages.ErrAgentNotFound.New())
		default:
			res.Items = append(res.Items, messages.Object{{Key: "id", Value: id}, {Key: "key", Value: key}})
		}
	}
	sort.SliceStable(res.Items, func(i, j int) bool {
		a, _ := res.Items[i].(messages.Object).Get("id")
		b, _ := res.Items[j].(messages.Object).Get("id")
		return a.(string) < b.(string)
	})
	res.Total = len(res.Items)
	postList(res, d, 1701)
	return res, nil
}

// getOutdatedAgents is get_outdated_agents (GET /agents/outdated): the agents whose version
// differs from the manager's.
func getOutdatedAgents(c *call) (dapi.Result, error) {
	if _, err := c.gate(agentReadGate); err != nil {
		return nil, err
	}
	if err := c.bind("get_outdated_agents", "agent_list", "offset", "limit", "sort", "search", "select", "q"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("All selected agents information was returned",
		"Some agents information was not returned", "No agent information was returned")
	agents, err := c.listArg("agent_list")
	if err != nil || len(agents) == 0 {
		return res, err
	}
	system, err := c.systemAgents()
	if err != nil {
		return nil, err
	}
	q := newAgentQuery()
	if err := c.queryArgs(q, "select"); err != nil {
		return nil, err
	}
	version := c.n.cfg.Manager.Version
	if version == "" {
		version = "None"
	}
	outdated := "version!=" + version
	if q.q != "" {
		outdated += ";(" + q.q + ")"
	}
	q.q = outdated
	q.rbac, q.filtersGiven = rbacFilters(system, agents), true
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	res.Items, res.Total = rows.items, rows.total
	return res, nil
}

// getDistinctAgents is get_distinct_agents (GET /agents/stats/distinct): the combinations of
// the fields asked for, each with the number of agents that have it.
func getDistinctAgents(c *call) (dapi.Result, error) {
	if _, err := c.gate(agentReadGate); err != nil {
		return nil, err
	}
	if err := c.bind("get_distinct_agents", "agent_list", "offset", "limit", "sort", "search", "fields", "q"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("All selected agents information was returned",
		"Some agents information was not returned", "No agent information was returned")
	agents, err := c.listArg("agent_list")
	if err != nil || len(agents) == 0 {
		return res, err
	}
	system, err := c.systemAgents()
	if err != nil {
		return nil, err
	}
	q := newAgentQuery()
	if err := c.queryArgs(q, "fields"); err != nil {
		return nil, err
	}
	q.groupBy, q.groupFields, q.minSelect = true, q.selectFields, nil
	q.rbac, q.filtersGiven = rbacFilters(system, agents), true
	rows, err := q.run(c.ctx, c.n.db)
	if err != nil {
		return nil, err
	}
	res.Items, res.Total = rows.items, rows.total
	return res, nil
}

// agentKeys reads the client.keys fields of the agents ids, by id.
func (db *agentDB) agentKeys(ctx context.Context, ids []int) (map[int]string, error) {
	keys := map[int]string{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = int64(id)
		}
		query := "SELECT id, name, register_ip, internal_key FROM agent WHERE id IN (" +
			strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
		err := db.store.SelectGlobal(ctx, query, args, func(v []any) error {
			id, _ := v[0].(int64)
			line := fmt.Sprintf("%s %s %s %s", zfill3(pyText(v[0])), pyText(v[1]), pyText(v[2]), pyText(v[3]))
			keys[int(id)] = base64.StdEncoding.EncodeToString([]byte(line))
			return nil
		})
		if err != nil {
			return nil, messages.ErrWazuhDBRequest.With(err.Error())
		}
	}
	return keys, nil
}

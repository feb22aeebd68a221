package framework

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/crypto/blake2b"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The group functions of framework/wazuh/agent.py: listings from the store and etc/shared,
// and the assignments, which go through Groups (wazuh-db's set-agent-groups).

func init() {
	register("wazuh.agent", "get_agents_in_group", native{run: getAgentsInGroup, needsStore: true})
	register("wazuh.agent", "get_agent_groups", native{run: getAgentGroups, needsStore: true})
	register("wazuh.agent", "get_agents_sync_group", native{run: getAgentsSyncGroup, needsStore: true})
	register("wazuh.agent", "assign_agents_to_group", native{run: assignAgentsToGroup, needsStore: true, needsGroup: true})
	register("wazuh.agent", "remove_agent_from_group", native{run: removeAgentFromGroup, needsStore: true, needsGroup: true})
	register("wazuh.agent", "remove_agent_from_groups", native{run: removeAgentFromGroups, needsStore: true, needsGroup: true})
	register("wazuh.agent", "remove_agents_from_group", native{run: removeAgentsFromGroup, needsStore: true, needsGroup: true})
}

// The gates of the group functions.
var (
	groupReadGate        = dapi.Gate{Actions: []string{"group:read"}, Resource: "group:id:{group_list}"}
	groupAssignGate      = dapi.Gate{Actions: []string{"group:modify_assignments"}, Resource: "group:id:{group_list}"}
	groupReplaceGate     = dapi.Gate{Actions: []string{"group:modify_assignments"}, Resource: "group:id:{replace_list}"}
	agentModifyGroupGate = dapi.Gate{Actions: []string{"agent:modify_group"}, Resource: "agent:id:{agent_list}"}
)

// getAgentsInGroup is get_agents_in_group (GET /groups/{group_id}/agents): get_agents, itself
// RBAC-protected, over the agents of the group.
func getAgentsInGroup(c *call) (dapi.Result, error) {
	if _, err := c.gate(groupReadGate); err != nil {
		return nil, err
	}
	params := []string{"group_list", "offset", "limit", "sort", "search", "select", "filters", "q", "distinct"}
	if err := c.bind("get_agents_in_group", params...); err != nil {
		return nil, err
	}
	groups, err := c.listArg("group_list")
	if err != nil {
		return nil, err
	}
	if groups == nil {
		return nil, pyTypeError("get_agents_in_group() missing 1 required positional argument: 'group_list'")
	}
	if len(groups) == 0 {
		return nil, pyError{"IndexError: list index out of range"}
	}
	system, err := c.n.groups()
	if err != nil {
		return nil, err
	}
	if !containsString(system, groups[0]) {
		return nil, messages.ErrGroupNotFound.New()
	}
	// The inner get_agents call: its own decorator, every agent the caller may read.
	inner := &call{ctx: c.ctx, req: c.req, n: c.n, agents: c.agents}
	for _, m := range c.kwargs {
		if m.Key != "group_list" {
			inner.kwargs = append(inner.kwargs, m)
		}
	}
	d, err := inner.gate(agentReadGate)
	if err != nil {
		return nil, err
	}
	res, err := inner.listAgents(&groups[0])
	if err != nil {
		return nil, err
	}
	postList(res, d, 1701)
	return res, nil
}

// groupFields are the group listing's fields (GROUP_FIELDS).
var groupFields = []string{"name", "mergedSum", "configSum", "count"}

// getAgentGroups is get_agent_groups (GET /groups): the groups the caller may read, with
// their number of agents and the hashes of their merged.mg and agent.conf.
func getAgentGroups(c *call) (dapi.Result, error) {
	d, err := c.gate(groupReadGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_agent_groups", "group_list", "offset", "limit", "sort_by", "sort_ascending", "search_text",
		"complementary_search", "hash_algorithm", "q", "select", "distinct"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("All selected groups information was returned",
		"Some groups information was not returned", "No group information was returned")
	groups, err := c.listArg("group_list")
	if err != nil {
		return nil, err
	}
	if len(groups) > 0 {
		if err := c.listGroups(res, groups); err != nil {
			return nil, err
		}
	}
	postList(res, d, 1710)
	return res, nil
}

// listGroups fills the group listing.
func (c *call) listGroups(res *dapi.AffectedItems, groups []string) error {
	system, err := c.n.groups()
	if err != nil {
		return err
	}
	for _, g := range dedupeStrings(groups) {
		if !containsString(system, g) {
			res.AddFailed(g, messages.ErrGroupNotFound.New())
		}
	}
	algorithm, err := c.strArg("hash_algorithm", "md5")
	if err != nil {
		return err
	}
	if _, err := newHash(algorithm); err != nil {
		return err
	}
	var items []any
	err = c.n.db.store.SelectGlobal(c.ctx, "SELECT name, count(id_group) AS count FROM `group` "+
		"LEFT JOIN belongs ON id = id_group GROUP BY name ORDER BY name ASC", nil, func(v []any) error {
		name := pyText(v[0])
		if !containsString(groups, name) {
			return nil
		}
		item := messages.Object{{Key: "name", Value: name}, {Key: "count", Value: v[1]}}
		dir := filepath.Join(c.n.cfg.Node.Home, "etc", "shared", name)
		if sum, ok := fileHash(filepath.Join(dir, "merged.mg"), algorithm); ok {
			item = append(item, messages.Member{Key: "mergedSum", Value: sum})
		}
		if sum, ok := fileHash(filepath.Join(dir, "agent.conf"), algorithm); ok {
			item = append(item, messages.Member{Key: "configSum", Value: sum})
		}
		items = append(items, item)
		return nil
	})
	if err != nil {
		return messages.ErrWazuhDBRequest.With(err.Error())
	}
	p := processArray{allowedSort: groupFields, allowedSelect: groupFields, requiredFields: []string{"name"}}
	if p.offset, err = c.intArg("offset", 0); err != nil {
		return err
	}
	if p.limit, err = c.optIntArg("limit", nil); err != nil {
		return err
	}
	if p.sortBy, err = c.listArg("sort_by"); err != nil {
		return err
	}
	p.sortAscending = true
	if v, ok := c.arg("sort_ascending"); ok {
		p.sortAscending = v
	}
	if p.searchText, err = c.strArg("search_text", ""); err != nil {
		return err
	}
	p.complementary = c.boolArg("complementary_search")
	if p.q, err = c.strArg("q", ""); err != nil {
		return err
	}
	if p.selectFields, err = c.listArg("select"); err != nil {
		return err
	}
	p.distinct = c.boolArg("distinct")
	page, total, err := p.run(items)
	if err != nil {
		return err
	}
	res.Items, res.Total = page, total
	return nil
}

// hashAlgorithms are the algorithms of hashlib that group hashes may use.
var hashAlgorithms = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
	"blake2b": func() hash.Hash { h, _ := blake2b.New512(nil); return h },
}

// newHash is _get_hashing_algorithm: 1723 for an algorithm it does not have.
func newHash(name string) (hash.Hash, error) {
	h, ok := hashAlgorithms[name]
	if !ok {
		names := make([]string, 0, len(hashAlgorithms))
		for n := range hashAlgorithms {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, messages.ErrHashAlgorithm.With("Available algorithms are " + joinComma(names) + ".")
	}
	return h(), nil
}

// fileHash is get_hash: the file's hex digest, false when it cannot be read.
func fileHash(path, algorithm string) (string, bool) {
	h, err := newHash(algorithm)
	if err != nil {
		return "", false
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// getAgentsSyncGroup is get_agents_sync_group (GET /agents/{agent_id}/group/is_sync): whether
// each agent's merged.mg sum is that of its group's (or multigroup's) merged.mg.
func getAgentsSyncGroup(c *call) (dapi.Result, error) {
	d, err := c.gate(agentReadGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("get_agents_sync_group", "agent_list"); err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("Sync info was returned for all selected agents",
		"Sync info was not returned for some selected agents", "No sync info was returned")
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
	for _, id := range agents {
		switch {
		case id == "000":
			res.AddFailed(id, messages.ErrManagerAgent.New())
			continue
		case !known.has(id):
			res.AddFailed(id, messages.ErrAgentNotFound.New())
			continue
		}
		n, _ := agentNumber(id)
		synced, err := c.n.groupSynced(c, n)
		if err != nil {
			var we *messages.WazuhError
			if errors.As(err, &we) {
				res.AddFailed(id, we)
				continue
			}
			return nil, err
		}
		res.Items = append(res.Items, messages.Object{{Key: "id", Value: id}, {Key: "synced", Value: synced}})
	}
	sort.SliceStable(res.Items, func(i, j int) bool {
		a, _ := res.Items[i].(messages.Object).Get("id")
		b, _ := res.Items[j].(messages.Object).Get("id")
		return a.(string) < b.(string)
	})
	res.Total = len(res.Items)
	postList(res, d, 1701, 1703)
	return res, nil
}

// groupSynced compares the agent's merged sum with its group's merged.mg: false when either
// is missing, as Wazuh's IOError and KeyError are.
func (n *Native) groupSynced(c *call, id int) (bool, error) {
	var (
		groups []string
		merged string
		found  bool
	)
	err := n.db.store.SelectGlobal(c.ctx, "SELECT `group`, merged_sum FROM agent WHERE id = ?", []any{int64(id)},
		func(v []any) error {
			found = true
			if s, ok := v[0].(string); ok && s != "" {
				groups = strings.Split(s, ",")
			}
			merged, _ = v[1].(string)
			return nil
		})
	if err != nil {
		return false, messages.ErrWazuhDBRequest.With(err.Error())
	}
	if !found {
		return false, messages.ErrAgentNotFound.New()
	}
	if len(groups) == 0 || merged == "" {
		return false, nil
	}
	path := filepath.Join(n.cfg.Node.Home, "etc", "shared", groups[0], "merged.mg")
	if len(groups) > 1 {
		sum := sha256.Sum256([]byte(strings.Join(groups, ",")))
		path = filepath.Join(n.cfg.Node.Home, "var", "multigroups", hex.EncodeToString(sum[:])[:8], "merged.mg")
	}
	sum, ok := fileHash(path, "md5")
	return ok && sum == merged, nil
}

// assignAgentsToGroup is assign_agents_to_group (PUT /agents/group, PUT
// /agents/{agent_id}/group/{group_id}): the group added to each agent, or, with replace,
// made its only group when the caller may change every group it had.
func assignAgentsToGroup(c *call) (dapi.Result, error) {
	dReplace, err := c.gate(groupReplaceGate)
	if err != nil {
		return nil, err
	}
	dGroup, err := c.gate(groupAssignGate)
	if err != nil {
		return nil, err
	}
	dAgent, err := c.gate(agentModifyGroupGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("assign_agents_to_group", "group_list", "agent_list", "replace", "replace_list"); err != nil {
		return nil, err
	}
	res, err := c.assignAgents()
	if err != nil {
		return nil, err
	}
	postList(res, dAgent, 1701, 1703, 1751, 1752)
	postList(res, dGroup)
	postList(res, dReplace)
	return res, nil
}

func (c *call) assignAgents() (*dapi.AffectedItems, error) {
	group, err := c.firstOf("group_list")
	if err != nil {
		return nil, err
	}
	replace := c.boolArg("replace")
	also := ""
	if replace {
		also = " and removed from the other groups"
	}
	res := dapi.NewAffectedItems("All selected agents were assigned to "+group+also,
		"Some agents were not assigned to "+group+also, "No agents were assigned to "+group)
	exists, err := c.n.groupExists(group)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, messages.ErrGroupNotFound.New()
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	agents, err := c.listArg("agent_list")
	if err != nil {
		return nil, err
	}
	replaceList, err := c.listArg("replace_list")
	if err != nil {
		return nil, err
	}
	if i := indexOf(agents, "000"); i >= 0 {
		agents = append(agents[:i:i], agents[i+1:]...)
		res.AddFailed("000", messages.ErrManagerAgent.New())
	}
	var assigned, found []string
	for _, id := range dedupeStrings(agents) {
		if known.has(id) {
			found = append(found, id)
		} else {
			res.AddFailed(id, messages.ErrAgentNotFound.New())
		}
	}
	for _, id := range found {
		if err := c.addGroupToAgent(group, id, replace, replaceList); err != nil {
			var we *messages.WazuhError
			if !errors.As(err, &we) {
				return nil, err
			}
			res.AddFailed(id, we)
			continue
		}
		assigned = append(assigned, id)
	}
	sortAgentIDs(assigned)
	res.Items = stringsToAny(assigned)
	res.Total = len(assigned)
	return res, nil
}

// addGroupToAgent is Agent.add_group_to_agent.
func (c *call) addGroupToAgent(group, id string, replace bool, replaceList []string) error {
	n, _ := agentNumber(id)
	current, _, err := c.n.db.agentGroups(c.ctx, n)
	if err != nil {
		return messages.NewInternalError(2007, err.Error())
	}
	if replace {
		for _, g := range current {
			if !containsString(replaceList, g) {
				return messages.ErrForceSingleGroup.New()
			}
		}
	} else if containsString(current, group) {
		return messages.ErrAgentInGroup.New()
	}
	if len(dedupeStrings(current)) >= 128 {
		return messages.ErrTooManyGroups.New()
	}
	mode := GroupAppend
	if replace {
		mode = GroupOverride
	}
	return c.n.cfg.Groups.SetAgentGroup(c.ctx, n, group, mode)
}

// removeAgentFromGroup is remove_agent_from_group (DELETE /agents/{agent_id}/group/{group_id}).
func removeAgentFromGroup(c *call) (dapi.Result, error) {
	if _, err := c.gate(groupAssignGate); err != nil {
		return nil, err
	}
	if _, err := c.gate(agentModifyGroupGate); err != nil {
		return nil, err
	}
	if err := c.bind("remove_agent_from_group", "group_list", "agent_list"); err != nil {
		return nil, err
	}
	group, err := c.firstOf("group_list")
	if err != nil {
		return nil, err
	}
	id, err := c.firstOf("agent_list")
	if err != nil {
		return nil, err
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	switch {
	case !known.has(id):
		return nil, messages.ErrAgentNotFound.New()
	case id == "000":
		return nil, messages.ErrManagerAgent.New()
	}
	groups, err := c.n.groups()
	if err != nil {
		return nil, err
	}
	if !containsString(groups, group) {
		return nil, messages.ErrGroupNotFound.New()
	}
	message, err := c.unsetGroup(id, group)
	if err != nil {
		return nil, err
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "message", Value: message}}), nil
}

// unsetGroup is Agent.unset_single_group_agent with force: 1734 when the agent is not in the
// group, 1745 when "default" is its only group; an agent left without groups goes back to
// "default".
func (c *call) unsetGroup(id, group string) (string, error) {
	n, _ := agentNumber(id)
	current, _, err := c.n.db.agentGroups(c.ctx, n)
	if err != nil {
		return "", messages.NewInternalError(2007, err.Error())
	}
	current = dedupeStrings(current)
	setDefault := false
	switch {
	case !containsString(current, group):
		return "", messages.ErrAgentNotInGroup.New()
	case len(current) == 1 && group == "default":
		return "", messages.ErrOnlyDefaultGroup.New()
	case len(current) == 1:
		setDefault = true
	}
	if err := c.n.cfg.Groups.SetAgentGroup(c.ctx, n, group, GroupRemove); err != nil {
		return "", err
	}
	message := fmt.Sprintf("Agent '%s' removed from '%s'.", id, group)
	if setDefault {
		message += " Agent reassigned to group default."
	}
	return message, nil
}

// removeAgentFromGroups is remove_agent_from_groups (DELETE /agents/{agent_id}/group): the
// agent removed from each group ("default" last, since an agent left without groups returns
// to it).
func removeAgentFromGroups(c *call) (dapi.Result, error) {
	dAgent, err := c.gate(agentModifyGroupGate)
	if err != nil {
		return nil, err
	}
	dGroup, err := c.gate(groupAssignGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("remove_agent_from_groups", "agent_list", "group_list"); err != nil {
		return nil, err
	}
	id, err := c.firstOf("agent_list")
	if err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("Specified agent was removed from returned groups",
		"Specified agent was not removed from some groups", "Specified agent was not removed from any group")
	if id == "000" {
		return nil, messages.ErrManagerAgent.New()
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	if !known.has(id) {
		return nil, messages.ErrAgentNotFound.New()
	}
	groups, err := c.listArg("group_list")
	if err != nil {
		return nil, err
	}
	if i := indexOf(groups, "default"); i >= 0 {
		groups = append(append(groups[:i:i], groups[i+1:]...), "default")
	}
	existing, err := c.n.groups()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, g := range groups {
		if !containsString(existing, g) {
			res.AddFailed(g, messages.ErrGroupNotFound.New())
			continue
		}
		if _, err := c.unsetGroup(id, g); err != nil {
			var we *messages.WazuhError
			if !errors.As(err, &we) {
				return nil, err
			}
			res.AddFailed(g, we)
			continue
		}
		removed = append(removed, g)
	}
	sort.Strings(removed)
	res.Items = stringsToAny(removed)
	res.Total = len(removed)
	postList(res, dGroup, 1710, 1734, 1745)
	postList(res, dAgent)
	return res, nil
}

// removeAgentsFromGroup is remove_agents_from_group (DELETE /agents/group): each agent
// removed from the group.
func removeAgentsFromGroup(c *call) (dapi.Result, error) {
	dGroup, err := c.gate(groupAssignGate)
	if err != nil {
		return nil, err
	}
	dAgent, err := c.gate(agentModifyGroupGate)
	if err != nil {
		return nil, err
	}
	if err := c.bind("remove_agents_from_group", "agent_list", "group_list"); err != nil {
		return nil, err
	}
	group, err := c.firstOf("group_list")
	if err != nil {
		return nil, err
	}
	res := dapi.NewAffectedItems("All selected agents were removed from group "+group,
		"Some agents were not removed from group "+group, "No agent was removed from group "+group)
	groups, err := c.n.groups()
	if err != nil {
		return nil, err
	}
	known, err := c.knownAgents()
	if err != nil {
		return nil, err
	}
	if !containsString(groups, group) {
		return nil, messages.ErrGroupNotFound.New()
	}
	agents, err := c.listArg("agent_list")
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, id := range agents {
		var failure error
		switch {
		case id == "000":
			failure = messages.ErrManagerAgent.New()
		case !known.has(id):
			failure = messages.ErrAgentNotFound.New()
		default:
			_, failure = c.unsetGroup(id, group)
		}
		if failure != nil {
			var we *messages.WazuhError
			if !errors.As(failure, &we) {
				return nil, failure
			}
			res.AddFailed(id, we)
			continue
		}
		removed = append(removed, id)
	}
	sortAgentIDs(removed)
	res.Items = stringsToAny(removed)
	res.Total = len(removed)
	postList(res, dAgent, 1701, 1703, 1734)
	postList(res, dGroup)
	return res, nil
}

// firstOf is list[0] of a list argument (IndexError when empty, TypeError when None).
func (c *call) firstOf(key string) (string, error) {
	list, err := c.listArg(key)
	if err != nil {
		return "", err
	}
	if list == nil {
		return "", pyTypeError("'NoneType' object is not subscriptable")
	}
	if len(list) == 0 {
		return "", pyError{"IndexError: list index out of range"}
	}
	return list[0], nil
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// sortAgentIDs is sort(key=int).
func sortAgentIDs(ids []string) {
	sort.SliceStable(ids, func(i, j int) bool {
		a, _ := agentNumber(ids[i])
		b, _ := agentNumber(ids[j])
		return a < b
	})
}

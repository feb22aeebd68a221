// Package framework holds the Wazuh framework functions clusterd executes natively: the
// Distributed API requests (DAPI §2, §4.2 C and G, §6) that need only the cluster's state or
// the agents and groups tables. Native implements dapi.Executor over three things the node
// hands in: Cluster (this node, the nodes and their health as the master knows them, the
// custom ruleset's hashes), Store (the agent tables, read as wazuh-db's "global sql" reads
// global.db) and Groups (group assignments, as wazuh-db's set-agent-groups). References are
// DAPI §n (docs/protocol/dapi.md); behaviour follows framework/wazuh/cluster.py,
// core/cluster/control.py, manager.py, agent.py, core/agent.py, core/utils.py and
// rbac/decorators.py of Wazuh 4.14.7.
//
// # What runs here
//
//   - /cluster: wazuh.cluster.get_node_wrapper, read_config_wrapper (the key masked "*****"
//     unless the caller may update the configuration), get_nodes_info, get_health_nodes,
//     get_status_json, get_ruleset_sync_status; wazuh.core.cluster.control
//     .get_node_ruleset_integrity; wazuh.manager.get_basic_info and get_status (for
//     /cluster/{node_id}/info and /status).
//   - agents: wazuh.core.agent.Agent.get_agents_overview (cluster_control -a, the node choice,
//     the health's counts), wazuh.agent.get_agents, get_agents_summary_status,
//     get_agents_summary_os, get_agents_keys, get_agents_sync_group, get_distinct_agents,
//     get_outdated_agents.
//   - groups: get_agents_in_group, get_agent_groups, assign_agents_to_group,
//     remove_agent_from_group, remove_agent_from_groups, remove_agents_from_group.
//
// Every other function is answered at once with dapi.NotExecuted, an exception naming it
// (the next executor runs the manager's own Python framework). Functions()
// lists the native ones; Executes says whether this Native runs one (the agent functions need
// a Store, the assignments Groups).
//
// # How a function runs
//
// Each function applies its @expose_resources decorators in their order through
// Request.RBAC (dapi.Permissions.Apply): a 4000 refuses the call, the keyword argument the
// resource names becomes the values allowed, and afterwards the refused values are failed
// items (Decision.AddDeniedTo) or, when none are reported, the decorator's exclude_codes are
// dropped. Then it checks its keyword arguments as a Python call does (an unexpected one is a
// TypeError, answered as error 1000) and builds the result class Wazuh builds, with its keys,
// messages and error codes.
//
// The agent listings assemble WazuhDBQueryAgents' SQL statement step by step (select,
// filters and q with their parentheses, search, count, sort, limit; the group-by and distinct
// variants) and run it on the store with the values bound where Wazuh pastes them, so q's
// semantics are SQLite's on the same statement: COLLATE NOCASE comparisons, LIKE for "~" and
// for values with quotes, numeric affinity for ids, timeframes and dates for lastKeepAlive
// and dateAdd, 1407/1408/1409/1411/1412 for what Wazuh refuses, 2004 for a value with ";"
// (wazuh-db refuses it). Listings of nodes and groups use process_array's rules in memory.
//
// # Where clusterd differs, and why
//
//   - The manager's row, agent 000, which global.db holds and clusterd's store does not, is
//     added to every agent statement (Manager: the host's name, the node, the version, the
//     operating system, lastKeepAlive 9999-12-31T23:59:59Z, active, group configuration
//     synced). A zero Manager leaves it out.
//   - Keys of agent items follow Agent.fields' order ("os" first, as Wazuh nests it); Wazuh's
//     follow a Python set's, which varies between processes.
//   - cluster_control joins several -fs or -fn values with ","; Wazuh compares the joined text
//     and matches nothing, clusterd matches any of them.
//   - The basic-daemons check (1017) is not applied: these functions need only clusterd.
//   - get_status reads var/run as Wazuh does, but wazuh-clusterd is always "running" (this
//     process answers; clusterd writes no pid file), and so is a daemon whose role clusterd
//     plays itself (Config.OwnDaemons) when var/run says nothing of it.
//   - Listings without a limit count their rows instead of counting in a second scan, and
//     listings ordered by id read the manager apart so the store is read in its order (the
//     same answer, in less time: cluster_control -a over 50,000 agents).
//   - openssl_support is "N/A" (wazuh-db's info table, which the store lacks); an installation
//     uid missing on the master is created, as Wazuh creates it.
package framework

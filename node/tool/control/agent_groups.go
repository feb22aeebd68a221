package control

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// groupRow is one group of wazuh-db's select-groups answer.
type groupRow struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// RunAgentGroups is the agent_groups tool: list groups and their agents, create and remove
// groups, assign agents to groups and take them out, on any node (a worker forwards to the
// master, which owns the assignments). It returns the exit status.
func RunAgentGroups(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "/var/ossec", "installation directory")
	list := fs.Bool("l", false, "list the groups, or the agents of the group given with -g")
	add := fs.Bool("a", false, "assign the agent given with -i to the group given with -g, or create the group")
	remove := fs.Bool("r", false, "take the agent given with -i out of the group given with -g, or remove the group")
	show := fs.Bool("s", false, "show the groups of the agent given with -i")
	force := fs.Bool("f", false, "with -a -i: make the group the agent's only group")
	_ = fs.Bool("q", false, "do not ask for confirmation (the tool never asks)")
	agent := fs.String("i", "", "agent ID")
	group := fs.String("g", "", "group name")
	if err := fs.Parse(args); err != nil {
		return exitArguments
	}
	c := &Client{SocketPath: SocketPath(*home), Log: newCLILogger(stderr, false)}
	id := ""
	if *agent != "" {
		n, err := strconv.Atoi(*agent)
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "Invalid agent ID '%s'.\n", *agent)
			return exitFailure
		}
		id = fmt.Sprintf("%03d", n)
	}
	var out string
	var err error
	switch {
	case *list && *group == "":
		out, err = listGroups(ctx, c)
	case *list:
		out, err = listGroupAgents(ctx, c, *group)
	case *add && id != "" && *group != "":
		mode := "append"
		if *force {
			mode = "override"
		}
		err = setGroups(ctx, c, mode, id, *group)
		out = fmt.Sprintf("Group '%s' added to agent '%s'.\n", *group, id)
	case *add && *group != "":
		_, err = c.WazuhDB(ctx, "global insert-agent-group "+*group)
		out = fmt.Sprintf("Group '%s' created.\n", *group)
	case *remove && id != "" && *group != "":
		err = setGroups(ctx, c, "remove", id, *group)
		out = fmt.Sprintf("Agent '%s' removed from %s.\n", id, *group)
	case *remove && *group != "":
		_, err = c.WazuhDB(ctx, "global delete-group "+*group)
		out = fmt.Sprintf("Group '%s' removed.\n", *group)
	case *show && id != "":
		out, err = showAgentGroups(ctx, c, id)
	default:
		fs.Usage()
		return exitArguments
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %s\n", errorText(err))
		return exitFailure
	}
	fmt.Fprint(stdout, out)
	return exitOK
}

func setGroups(ctx context.Context, c *Client, mode, id, group string) error {
	n, _ := strconv.Atoi(id)
	body, _ := json.Marshal(map[string]any{"mode": mode, "sync_status": "syncreq",
		"data": []map[string]any{{"id": n, "groups": []string{group}}}})
	_, err := c.WazuhDB(ctx, "global set-agent-groups "+string(body))
	return err
}

func listGroups(ctx context.Context, c *Client) (string, error) {
	payload, err := c.WazuhDB(ctx, "global select-groups")
	if err != nil {
		return "", err
	}
	var groups []groupRow
	if err := json.Unmarshal([]byte(payload), &groups); err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformedDocument, err)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	var b strings.Builder
	fmt.Fprintf(&b, "Groups (%d):\n", len(groups))
	for _, g := range groups {
		fmt.Fprintf(&b, "  %s (%d)\n", g.Name, g.Count)
	}
	return b.String(), nil
}

func listGroupAgents(ctx context.Context, c *Client, group string) (string, error) {
	payload, err := c.WazuhDB(ctx, "global get-group-agents complete "+group)
	if err != nil {
		return "", err
	}
	var ids []int
	if err := json.Unmarshal([]byte(payload), &ids); err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformedDocument, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d agent(s) in group '%s':\n", len(ids), group)
	for _, id := range ids {
		fmt.Fprintf(&b, "  ID: %03d\n", id)
	}
	return b.String(), nil
}

func showAgentGroups(ctx context.Context, c *Client, id string) (string, error) {
	payload, err := c.WazuhDB(ctx, "global select-agent-group "+id)
	if err != nil {
		return "", err
	}
	var rows []struct {
		Group string `json:"group"`
	}
	if err := json.Unmarshal([]byte(payload), &rows); err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformedDocument, err)
	}
	if len(rows) == 0 {
		return "", fmt.Errorf("%w: agent %s not found", ErrDaemon, id)
	}
	if rows[0].Group == "" {
		return fmt.Sprintf("The agent with ID '%s' belongs to no group.\n", id), nil
	}
	return fmt.Sprintf("The agent with ID '%s' belongs to groups: %s.\n", id, strings.ReplaceAll(rows[0].Group, ",", ", ")), nil
}

// RunManageAgents is the part of manage_agents a cluster needs from any node: -l lists the
// agents (as cluster_control -a), -r ID removes an agent on the master (its key leaves
// client.keys on every node through the integrity sync).
func RunManageAgents(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "/var/ossec", "installation directory")
	list := fs.Bool("l", false, "list the agents")
	remove := fs.String("r", "", "remove the agent with this ID")
	if err := fs.Parse(args); err != nil {
		return exitArguments
	}
	c := &Client{SocketPath: SocketPath(*home), Log: newCLILogger(stderr, false)}
	switch {
	case *list:
		doc, err := c.GetAgents(ctx, nil, nil)
		if err != nil {
			fmt.Fprintf(stderr, "Error: %s\n", errorText(err))
			return exitFailure
		}
		fmt.Fprint(stdout, FormatAgents(doc))
	case *remove != "":
		n, err := strconv.Atoi(*remove)
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "Invalid agent ID '%s'.\n", *remove)
			return exitFailure
		}
		id := fmt.Sprintf("%03d", n)
		if _, err := c.Authd(ctx, "remove", map[string]any{"id": id}); err != nil {
			fmt.Fprintf(stderr, "Error: %s\n", errorText(err))
			return exitFailure
		}
		fmt.Fprintf(stdout, "Agent '%s' removed.\n", id)
	default:
		fs.Usage()
		return exitArguments
	}
	return exitOK
}

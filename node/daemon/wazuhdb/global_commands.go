package wazuhdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/node/fsutil"
)

// DefaultAgentConf is what a new group's agent.conf holds, as Wazuh creates it.
const DefaultAgentConf = "<agent_config>\n\n  <!-- Shared agent configuration here -->\n\n</agent_config>\n"

// GlobalCommands answers the wazuh-db global commands that manage agent groups, in wazuh-db's
// answer form ("ok <payload>" / "err <text>"). It is what a worker's tools reach through
// sendsync, so assignments are made on the master, whichever node they come from.
type GlobalCommands struct {
	st *Store
	// writes makes the changes: the store itself, or (a replicated master) what commits
	// them through the replicated log first.
	writes    GroupsWriter
	sharedDir string
	// changed is called after assignments or groups changed (the node nudges local-groups).
	changed func()
}

// NewGlobalCommands serves the commands on st; sharedDir is etc/shared, where each group has its
// folder, and changed is called after each change of groups or assignments.
func NewGlobalCommands(st *Store, sharedDir string, changed func()) *GlobalCommands {
	return &GlobalCommands{st: st, writes: st, sharedDir: sharedDir, changed: changed}
}

// GroupsWriter makes the changes of groups and assignments; *Store is one.
type GroupsWriter interface {
	SetAgentGroups(ctx context.Context, mode SetMode, syncStatus string, data []AgentGroups) error
	CreateGroup(ctx context.Context, name string) error
	DeleteGroup(ctx context.Context, name string) error
}

// WithWriter makes the changes through gw instead of the store (reads stay on the store).
func (w *GlobalCommands) WithWriter(gw GroupsWriter) *GlobalCommands {
	w.writes = gw
	return w
}

// Run executes one command.
func (w *GlobalCommands) Run(ctx context.Context, command string) string {
	verb, arg, _ := strings.Cut(strings.TrimPrefix(command, "global "), " ")
	if !strings.HasPrefix(command, "global ") {
		return "err Invalid DB query syntax, near '" + command + "'"
	}
	var payload any
	var err error
	switch verb {
	case "set-agent-groups":
		err = w.setAgentGroups(ctx, arg)
	case "insert-agent-group":
		err = w.createGroup(ctx, strings.TrimSpace(arg))
	case "delete-group":
		err = w.deleteGroup(ctx, strings.TrimSpace(arg))
	case "select-groups":
		payload, err = w.groups(ctx)
	case "select-agent-group":
		payload, err = w.agentGroups(ctx, strings.TrimSpace(arg))
	case "get-group-agents":
		payload, err = w.groupAgents(ctx, strings.TrimSpace(strings.TrimPrefix(arg, "complete ")))
	default:
		return "err Invalid DB query syntax, near '" + verb + "'"
	}
	if err != nil {
		return "err " + err.Error()
	}
	if payload == nil {
		return "ok"
	}
	b, _ := json.Marshal(payload)
	return "ok " + string(b)
}

// setAgentGroupsRequest is the JSON of global set-agent-groups.
type setAgentGroupsRequest struct {
	Mode       string        `json:"mode"`
	SyncStatus string        `json:"sync_status"`
	Data       []AgentGroups `json:"data"`
}

func (w *GlobalCommands) setAgentGroups(ctx context.Context, arg string) error {
	var req setAgentGroupsRequest
	if err := json.Unmarshal([]byte(arg), &req); err != nil {
		return fmt.Errorf("Invalid JSON syntax, near '%.32s'", arg)
	}
	switch req.Mode {
	case "override", "append", "empty_only", "remove":
	default:
		return fmt.Errorf("Invalid mode '%s'", req.Mode)
	}
	if req.SyncStatus == "" {
		req.SyncStatus = "syncreq"
	}
	for _, a := range req.Data {
		for _, g := range a.Groups {
			if err := w.checkGroup(g, req.Mode != "remove"); err != nil {
				return err
			}
		}
	}
	if err := w.writes.SetAgentGroups(ctx, SetMode(req.Mode), req.SyncStatus, req.Data); err != nil {
		return fmt.Errorf("Cannot execute Global database query; %w", err)
	}
	w.changed()
	return nil
}

// checkGroup refuses a bad name and, when mustExist, a group without its folder.
func (w *GlobalCommands) checkGroup(name string, mustExist bool) error {
	if err := validateGroupName(name); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidGroup, name)
	}
	if !mustExist {
		return nil
	}
	if fi, err := os.Stat(filepath.Join(w.sharedDir, name)); err != nil || !fi.IsDir() {
		return fmt.Errorf("%w: %s", ErrInvalidGroup, name)
	}
	return nil
}

func (w *GlobalCommands) createGroup(ctx context.Context, name string) error {
	if err := w.checkGroup(name, false); err != nil {
		return err
	}
	dir := filepath.Join(w.sharedDir, name)
	if err := os.MkdirAll(dir, 0o770); err != nil {
		return fmt.Errorf("create group folder: %w", err)
	}
	conf := filepath.Join(dir, "agent.conf")
	if _, err := os.Stat(conf); errors.Is(err, os.ErrNotExist) {
		if err := fsutil.WriteFileAtomic(conf, []byte(DefaultAgentConf), 0o660); err != nil {
			return err
		}
	}
	if err := w.writes.CreateGroup(ctx, name); err != nil {
		return fmt.Errorf("Cannot execute Global database query; %w", err)
	}
	w.changed()
	return nil
}

func (w *GlobalCommands) deleteGroup(ctx context.Context, name string) error {
	if err := w.checkGroup(name, true); err != nil {
		return err
	}
	if err := w.writes.DeleteGroup(ctx, name); err != nil {
		return fmt.Errorf("Cannot execute Global database query; %w", err)
	}
	if err := os.RemoveAll(filepath.Join(w.sharedDir, name)); err != nil {
		return fmt.Errorf("remove group folder: %w", err)
	}
	w.changed()
	return nil
}

// groupInfo is one row of select-groups.
type groupInfo struct {
	Name   string `json:"name"`
	Agents int    `json:"count"`
}

func (w *GlobalCommands) groups(ctx context.Context) ([]groupInfo, error) {
	groups, err := w.st.Groups(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]groupInfo, 0, len(groups))
	for _, g := range groups {
		out = append(out, groupInfo(g))
	}
	return out, nil
}

// agentGroupRow is select-agent-group's answer row.
type agentGroupRow struct {
	Group string `json:"group"`
}

func (w *GlobalCommands) agentGroups(ctx context.Context, arg string) ([]agentGroupRow, error) {
	id, err := strconv.Atoi(arg)
	if err != nil {
		return nil, fmt.Errorf("Invalid agent ID '%s'", arg)
	}
	a, ok, err := w.st.Agent(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []agentGroupRow{}, nil
	}
	return []agentGroupRow{{Group: strings.Join(a.Groups, ",")}}, nil
}

func (w *GlobalCommands) groupAgents(ctx context.Context, group string) ([]int, error) {
	agents, err := w.st.Agents(ctx)
	if err != nil {
		return nil, err
	}
	ids := []int{}
	for _, a := range agents {
		for _, g := range a.Groups {
			if g == group {
				ids = append(ids, a.ID)
				break
			}
		}
	}
	return ids, nil
}

package wdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Commands of §7.1.
const (
	syncAgentGroupsGet          = "global sync-agent-groups-get "
	recalculateAgentGroupHashes = "global recalculate-agent-group-hashes"
)

// Conditions of sync-agent-groups-get.
const (
	ConditionSyncStatus = "sync_status" // agents whose groups changed (group_sync_status 'syncreq')
	ConditionAll        = "all"         // every agent
)

// DefaultMaxAgents bounds how many agents one paged read collects, so that a wazuh-db that
// keeps answering "due" cannot grow the node's memory without end. Wazuh's largest
// deployments are well below it.
const DefaultMaxAgents = 1 << 21

// GroupsQuery is the JSON of `global sync-agent-groups-get` (§7.1).
type GroupsQuery struct {
	// Condition is ConditionSyncStatus, ConditionAll, or "" (no agents, the hash only).
	Condition string
	// LastID is the pivot: only agents with a greater id.
	LastID int
	// SetSynced has wazuh-db mark the returned agents group_sync_status 'synced' as it reads them.
	SetSynced bool
	// GetGlobalHash adds the global group hash to the last page.
	GetGlobalHash bool
}

// Command is the request text.
func (q GroupsQuery) Command() string {
	var b strings.Builder
	b.WriteString(syncAgentGroupsGet)
	b.WriteByte('{')
	if q.Condition != "" {
		fmt.Fprintf(&b, `"condition":%q,"last_id":%d,"set_synced":%t,`, q.Condition, q.LastID, q.SetSynced)
	}
	fmt.Fprintf(&b, `"get_global_hash":%t}`, q.GetGlobalHash)
	return b.String()
}

// SyncAgentGroupsGet asks for one page; due says more pages follow. An err answer is Wazuh's
// 2007 with wazuh-db's text (run_wdb_command), a page that does not parse 2006.
func (k *Conn) SyncAgentGroupsGet(ctx context.Context, q GroupsQuery) (page messages.AgentGroupsChunk, due bool, err error) {
	r, err := k.retrieve(ctx, q.Command())
	if err != nil {
		return page, false, err
	}
	page, err = messages.ParseAgentGroupsChunk(r.Payload)
	if err != nil {
		return page, false, raise(messages.ErrWazuhDBBadJSON, err.Error(), fmt.Errorf("%w: %w", ErrMalformed, err))
	}
	return page, r.Status == StatusDue, nil
}

// retrieve runs a command whose answer must be ok or due, as the cluster's run_wdb_command does:
// an err answer is 2007 with wazuh-db's text.
func (k *Conn) retrieve(ctx context.Context, command string) (Response, error) {
	r, err := k.Query(ctx, command)
	if err != nil {
		return r, err
	}
	switch r.Status {
	case StatusOK, StatusDue:
		return r, nil
	case StatusErr:
		return r, raise(messages.ErrWazuhDBRetrieve, r.Payload, ErrAnswer)
	}
	return r, raise(messages.ErrWazuhDBRetrieve, "answer "+r.Status, ErrMalformed)
}

// AgentGroups reads the groups of every agent that meets condition, a page at a time on one
// connection, without marking them synced: each page starts after the last agent of the one
// before (last_id), as Wazuh's full sync pages. A "due" page must move past the last one, and
// at most maxAgents are collected (DefaultMaxAgents when 0).
func (c *Client) AgentGroups(ctx context.Context, condition string, maxAgents int) ([]messages.AgentGroupsEntry, error) {
	if maxAgents <= 0 {
		maxAgents = DefaultMaxAgents
	}
	conn, err := c.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var out []messages.AgentGroupsEntry
	q := GroupsQuery{Condition: condition}
	for {
		page, due, err := conn.SyncAgentGroupsGet(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Data {
			if e.ID <= q.LastID {
				return nil, raise(messages.ErrWazuhDBRetrieve,
					fmt.Sprintf("agent %d after agent %d", e.ID, q.LastID), ErrNoProgress)
			}
			q.LastID = e.ID
		}
		if len(out)+len(page.Data) > maxAgents {
			return nil, raise(messages.ErrWazuhDBRetrieve, fmt.Sprintf("more than %d agents", maxAgents), ErrTooLarge)
		}
		out = append(out, page.Data...)
		if !due {
			return out, nil
		}
		if len(page.Data) == 0 {
			return nil, raise(messages.ErrWazuhDBRetrieve, "a due page without agents", ErrNoProgress)
		}
	}
}

// GlobalGroupHash asks for the global group hash alone, as Wazuh's worker does to compare it
// with the master's (`{"get_global_hash": true}`). ok is false when wazuh-db answers null (no
// agent has a group hash).
func (c *Client) GlobalGroupHash(ctx context.Context) (hash string, ok bool, err error) {
	conn, err := c.Open(ctx)
	if err != nil {
		return "", false, err
	}
	defer conn.Close()
	page, due, err := conn.SyncAgentGroupsGet(ctx, GroupsQuery{GetGlobalHash: true})
	switch {
	case err != nil:
		return "", false, err
	case due:
		return "", false, raise(messages.ErrWazuhDBRetrieve, "a due answer to the hash alone", ErrMalformed)
	case page.HashNull:
		return "", false, nil
	case !page.HasHash:
		return "", false, raise(messages.ErrWazuhDBRetrieve, "an answer without the hash", ErrMalformed)
	}
	return page.Hash, true, nil
}

// SetAgentGroups runs `global set-agent-groups` (§7.1) for data, written as Wazuh's worker
// writes it (compact JSON). A command larger than wazuh-db reads is split into commands of
// fewer agents (each agent's assignment is independent). An err answer is Wazuh's 2003 with
// wazuh-db's text (WazuhDBConnection.send).
func (c *Client) SetAgentGroups(ctx context.Context, mode, syncStatus string, data []messages.AgentGroupsEntry) error {
	conn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.setAgentGroups(ctx, mode, syncStatus, data)
}

func (k *Conn) setAgentGroups(ctx context.Context, mode, syncStatus string, data []messages.AgentGroupsEntry) error {
	command := messages.EncodeSetAgentGroupsCommand(mode, syncStatus, data)
	if len(command) > MaxRequestSize && len(data) > 1 {
		half := len(data) / 2
		if err := k.setAgentGroups(ctx, mode, syncStatus, data[:half]); err != nil {
			return err
		}
		return k.setAgentGroups(ctx, mode, syncStatus, data[half:])
	}
	_, err := k.Run(ctx, command)
	return err
}

// RecalculateAgentGroupHashes runs `global recalculate-agent-group-hashes` (§7.3).
func (c *Client) RecalculateAgentGroupHashes(ctx context.Context) error {
	conn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.retrieve(ctx, recalculateAgentGroupHashes)
	return err
}

// markTermsPerStatement bounds the assignments one marking statement names: SQLite parses a
// chain of OR terms into a tree as deep as the chain, and refuses trees deeper than 1000.
const markTermsPerStatement = 400

// MarkGroupsSynced marks the given assignments delivered (group_sync_status 'synced'), each
// only while the agent still has the groups that were sent (its group_hash is theirs) and is
// still waiting ('syncreq'): an assignment changed since it was read stays pending and goes out
// with the next broadcast. It is what wazuh-db's set_synced does while reading, done after the
// delivery instead; wazuh-db has no command for it, so it is a `global sql` UPDATE.
func (c *Client) MarkGroupsSynced(ctx context.Context, sent []messages.AgentGroupsEntry) error {
	if len(sent) == 0 {
		return nil
	}
	conn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for start := 0; start < len(sent); start += markTermsPerStatement {
		end := min(start+markTermsPerStatement, len(sent))
		if _, err := conn.SQL(ctx, markSyncedStatement(sent[start:end])); err != nil {
			return err
		}
	}
	return nil
}

// markSyncedStatement writes the UPDATE for a few assignments. Every value in it is an integer
// or a hash computed here (hex), so nothing needs quoting.
func markSyncedStatement(sent []messages.AgentGroupsEntry) string {
	var b strings.Builder
	b.WriteString("UPDATE agent SET group_sync_status = 'synced' WHERE group_sync_status = 'syncreq' AND (")
	for i, e := range sent {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("(id = ")
		b.WriteString(strconv.Itoa(e.ID))
		if hash := messages.AgentGroupHash(e.Groups); hash == "" {
			b.WriteString(" AND group_hash IS NULL)")
		} else {
			b.WriteString(" AND group_hash = '")
			b.WriteString(hash)
			b.WriteString("')")
		}
	}
	b.WriteString(")")
	return b.String()
}

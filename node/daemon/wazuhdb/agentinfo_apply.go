package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

// The master side of the agent-info synchronisation (wazuh-db's
// POST /v1/agents/sync). Rows are written several per statement (see
// rowsStatement). Every row written here is left 'synced': the master's copy
// is the authoritative one and is never sent anywhere.
//
// What costs here is binding values (each bind takes the connection's mutex
// and copies the value) and SQLite rewriting the entry of every index whose
// column a statement assigns, even to the same value, on a page of its own
// that the commit writes to the journal. So the indexed columns (name, ip,
// sync_status) are left out of the statement every row goes through: the
// first statement marks the rows where one of them (or the labels) changes,
// an index of the marked rows finds them, and each of those columns is then
// assigned by a statement of its own, only on the rows where it changes. An
// agent's first report changes its address and labels, never its name nor
// (on the master) its sync status: assigning those too wrote 4.4 pages of log
// per first report instead of 3.0 (BenchmarkApplyAgentInfoFirstReports). The statements are UPDATE OR FAIL: with the
// default ABORT, a multi-row write on a table with a trigger keeps a
// statement journal, which spills to a temporary file once a batch dirties
// more than a few pages. The values bound are checked beforehand, so no
// constraint can fail halfway.

// applySyncreqSQL updates the keepalive-derived columns, as wazuh-db's
// syncreq update does. One row is not taken: an agent that is not active,
// reported by another node than the one the master holds it active on. A
// worker that restarts sends what it never saw confirmed, as disconnected
// rows, and those must not undo the agent's move to another node meanwhile.
// Only the nodes' views decide, never their clocks: an active row always
// applies (the agent is there now), and so does every row from the agent's
// own node; a connection_status or group_config_status the table does not
// accept (bound as NULL) keeps the stored value.
//
// A row taken whose name, ip, sync status or labels would change gets
// followMark as its labels digest (SET expressions see the row as it was);
// finishMarked then writes those and the true digest. VALUES columns are
// column1..column23: id, os_name, os_version, os_major, os_minor,
// os_codename, os_build, os_platform, os_uname, os_arch, version,
// config_sum, merged_sum, manager_host, node_name, last_keepalive,
// connection_status, disconnection_time, group_config_status, status_code,
// name (empty: keep the stored one), ip, labels digest.
var applySyncreqSQL = `UPDATE OR FAIL agent SET
		os_name = v.column2, os_version = v.column3, os_major = v.column4,
		os_minor = v.column5, os_codename = v.column6, os_build = v.column7,
		os_platform = v.column8, os_uname = v.column9, os_arch = v.column10,
		version = v.column11, config_sum = v.column12, merged_sum = v.column13,
		manager_host = v.column14, node_name = v.column15, last_keepalive = v.column16,
		connection_status = COALESCE(v.column17, agent.connection_status),
		disconnection_time = v.column18,
		group_config_status = COALESCE(v.column19, agent.group_config_status),
		status_code = v.column20,
		labels_digest = CASE WHEN (v.column21 = '' OR agent.name = v.column21)
			AND agent.ip IS v.column22 AND agent.sync_status = 'synced'
			AND agent.labels_digest IS v.column23 THEN v.column23 ELSE ` + followMark + ` END
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1 AND
		(agent.node_name IS v.column15 OR agent.connection_status != 'active'
			OR COALESCE(v.column17, agent.connection_status) = 'active')`

const applySyncreqWidth = 23

// followMark is the labels digest applySyncreqSQL leaves on a row whose name, ip, sync status or
// labels must still be written. A real digest is 16 bytes, never empty; the agent_info_follow
// index holds exactly the marked rows, and none is left marked when the transaction commits.
const followMark = `X''`

// markedSQL lists the marked rows, through the agent_info_follow index, with the indexed
// columns as they are, so that each is written only where it changes.
const markedSQL = `SELECT id, name, ip, sync_status FROM agent WHERE labels_digest = ` + followMark

// The statements that finish the marked rows, after markSyncedSQL has left them 'synced' (so
// that agent_info_seq, which counts writes of rows still pending, does not fire). VALUES
// columns: id, then the values assigned.
const (
	// applyRenameSQL: the rows whose name changes (rare: the name comes from client.keys).
	applyRenameSQL = `UPDATE OR FAIL agent SET name = v.column2
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1`
	// applyAddressSQL: the rows whose address changes (every agent's first report), with
	// their labels digest.
	applyAddressSQL = `UPDATE OR FAIL agent SET ip = v.column2, labels_digest = v.column3
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1`
	// applyDigestSQL: the other marked rows' labels digest.
	applyDigestSQL = `UPDATE OR FAIL agent SET labels_digest = v.column2
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1`
)

// markSyncedSQL leaves the listed rows 'synced'; the sync_status index finds
// the few that are not.
const markSyncedSQL = `UPDATE OR FAIL agent SET sync_status = 'synced'
	WHERE sync_status IN ('syncreq', 'syncreq_keepalive', 'syncreq_status')
		AND id IN (VALUES ` + valuesPlaceholder + `)`

// applyKeepaliveSQL: the agent was alive at the worker, so its last keepalive is now. It goes to
// agent_keepalive (see schemaV8), not to the agent's own row; an id the agent table does not
// hold is skipped. VALUES columns: id, now.
const applyKeepaliveSQL = `INSERT INTO agent_keepalive (id, last_keepalive)
	SELECT v.column1, v.column2 FROM (VALUES ` + valuesPlaceholder + `) AS v
		JOIN agent ON agent.id = v.column1 WHERE true
	ON CONFLICT (id) DO UPDATE SET last_keepalive = excluded.last_keepalive`

const applyKeepaliveWidth = 2

// applyAliveSQL: the agent was alive at the worker, so it is active, with no disconnection time
// nor status code; an empty version keeps the stored one. Only the rows where one of those
// changes are written, which at rest is none. VALUES columns: id, version.
const applyAliveSQL = `UPDATE OR FAIL agent SET
		connection_status = 'active', disconnection_time = 0, status_code = 0,
		version = COALESCE(NULLIF(v.column2, ''), agent.version)
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1
		AND (agent.connection_status != 'active' OR agent.disconnection_time != 0
			OR agent.status_code != 0 OR (v.column2 != '' AND agent.version IS NOT v.column2))`

const applyAliveWidth = 2

// applyStatusSQL: VALUES columns are id, version, connection_status,
// disconnection_time, status_code.
const applyStatusSQL = `UPDATE OR FAIL agent SET
		connection_status = COALESCE(v.column3, agent.connection_status),
		disconnection_time = v.column4, status_code = v.column5,
		version = COALESCE(NULLIF(v.column2, ''), agent.version)
	FROM (VALUES ` + valuesPlaceholder + `) AS v WHERE agent.id = v.column1`

const applyStatusWidth = 5

// ApplyAgentInfo stores a worker's agent-info batch on the master in one
// transaction, in wazuh-db's order: full rows (labels replaced), then
// keepalives (last_keepalive = now, active, disconnection time and status
// code cleared), then connection statuses. Unknown ids, and ids <= 0 (the
// manager's own row is never a worker's to write), are skipped; an id listed
// twice in one list takes its last entry. It returns the number of rows
// updated: an agent present in two lists counts twice. Marks is ignored.
func (s *Store) ApplyAgentInfo(ctx context.Context, b AgentInfoBatch, now int64) (int, error) {
	return s.ApplyAgentInfoBatches(ctx, now, func(w *AgentInfoWriter) error {
		if err := w.Syncreq(b.Syncreq); err != nil {
			return err
		}
		if err := w.Keepalive(b.Keepalive); err != nil {
			return err
		}
		return w.Status(b.Status)
	})
}

// ApplyAgentInfoBatches stores a worker's agent-info on the master in one
// transaction, a batch at a time: fill hands the writer every batch, in
// wazuh-db's order (every Syncreq batch, then the keepalives, then the
// statuses), so that a document of a million agents is never held whole.
// An error from fill, or from a write, rolls everything back. An id listed
// twice in one batch takes its last entry; in two batches, the later batch
// is written over the earlier one, as wazuh-db writes row after row.
func (s *Store) ApplyAgentInfoBatches(ctx context.Context, now int64, fill func(w *AgentInfoWriter) error) (int, error) {
	var updated int64
	err := s.write(ctx, "apply agent info", func(tx *sql.Tx) error {
		w := s.newAgentInfoWriter(ctx, tx, now)
		defer w.close()
		if err := fill(w); err != nil {
			return err
		}
		updated = w.updated
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(updated), nil
}

// AgentInfoWriter writes batches of a worker's agent-info inside the
// transaction ApplyAgentInfoBatches opened. Its statements are prepared once
// for the whole transaction.
type AgentInfoWriter struct {
	ctx     context.Context
	tx      *sql.Tx
	now     int64
	updated int64

	syncreq, rename, address, digest, clearLabels, insertLabels *rowsStatement
	keepalive, alive, status, synced                            *rowsStatement
	marked                                                      *sql.Stmt // markedSQL, bound to tx at its first use
	s                                                           *Store
}

// newAgentInfoWriter returns the writer of one transaction. Its statements are the ones the
// store prepared when it opened (agentInfoStatements), save the few sizes it does not keep.
func (s *Store) newAgentInfoWriter(ctx context.Context, tx *sql.Tx, now int64) *AgentInfoWriter {
	w := &AgentInfoWriter{ctx: ctx, tx: tx, now: now, s: s,
		syncreq:      syncreqRows.statement(ctx, tx, s.cached),
		rename:       renameRows.statement(ctx, tx, s.cached),
		address:      addressRows.statement(ctx, tx, s.cached),
		digest:       digestRows.statement(ctx, tx, s.cached),
		clearLabels:  clearLabelsRows.statement(ctx, tx, s.cached),
		insertLabels: insertLabelsRows.statement(ctx, tx, s.cached),
		keepalive:    keepaliveRows.statement(ctx, tx, s.cached),
		alive:        aliveRows.statement(ctx, tx, s.cached),
		status:       statusRows.statement(ctx, tx, s.cached),
		synced:       syncedRows.statement(ctx, tx, s.cached),
	}
	return w
}

func (w *AgentInfoWriter) statements() []*rowsStatement {
	return []*rowsStatement{w.syncreq, w.rename, w.address, w.digest, w.clearLabels, w.insertLabels,
		w.keepalive, w.alive, w.status, w.synced}
}

func (w *AgentInfoWriter) close() {
	for _, st := range w.statements() {
		st.close()
	}
	if w.marked != nil {
		_ = w.marked.Close()
	}
}

// Syncreq writes full rows ("syncreq" items), labels included.
func (w *AgentInfoWriter) Syncreq(agents []Agent) error {
	n, err := w.applySyncreq(lastPerID(agents, func(a Agent) int { return a.ID }))
	w.updated += n
	return err
}

// Keepalive writes "syncreq_keepalive" items.
func (w *AgentInfoWriter) Keepalive(items []AgentKeepalive) error {
	n, err := w.applyKeepalives(lastPerID(items, func(k AgentKeepalive) int { return k.ID }))
	w.updated += n
	return err
}

// Status writes "syncreq_status" items.
func (w *AgentInfoWriter) Status(items []AgentStatus) error {
	n, err := w.applyStatuses(lastPerID(items, func(st AgentStatus) int { return st.ID }))
	w.updated += n
	return err
}

// lastPerID drops entries with an id <= 0 and every entry but the last of
// each id, keeping the order of the kept ones: in one multi-row UPDATE an id
// listed twice would take an arbitrary one of its rows.
func lastPerID[T any](items []T, id func(T) int) []T {
	last := make(map[int]int, len(items))
	for i, it := range items {
		last[id(it)] = i
	}
	if len(last) == len(items) && !hasNonPositive(items, id) {
		return items
	}
	out := make([]T, 0, len(last))
	for i, it := range items {
		if k := id(it); k > 0 && last[k] == i {
			out = append(out, it)
		}
	}
	return out
}

func hasNonPositive[T any](items []T, id func(T) int) bool {
	for _, it := range items {
		if id(it) <= 0 {
			return true
		}
	}
	return false
}

func (w *AgentInfoWriter) applySyncreq(agents []Agent) (int64, error) {
	if len(agents) == 0 {
		return 0, nil
	}
	// Each digest is computed once: the rows whose labels changed bind it again below.
	digests := make([][]byte, len(agents))
	updated, err := w.syncreq.exec(len(agents), func(i int, dst []any) {
		a := &agents[i]
		digests[i] = labelsDigest(a.Labels)
		dst[0], dst[1], dst[2] = a.ID, nullString(a.OSName), nullString(a.OSVersion)
		dst[3], dst[4], dst[5] = nullString(a.OSMajor), nullString(a.OSMinor), nullString(a.OSCodename)
		dst[6], dst[7], dst[8] = nullString(a.OSBuild), nullString(a.OSPlatform), nullString(a.OSUname)
		dst[9], dst[10], dst[11] = nullString(a.OSArch), nullString(a.Version), nullString(a.ConfigSum)
		dst[12], dst[13], dst[14] = nullString(a.MergedSum), nullString(a.ManagerHost), nullString(a.NodeName)
		dst[15], dst[16] = nullInt(a.LastKeepalive), knownConnectionStatus(a.ConnectionStatus)
		dst[17], dst[18] = a.DisconnectionTime, knownGroupConfigStatus(a.GroupConfigStatus)
		dst[19], dst[20], dst[21] = a.StatusCode, reportedName(a.Name), nullString(a.IP)
		dst[22] = digests[i]
	})
	if err != nil {
		return 0, fmt.Errorf("update agents: %w", err)
	}
	if updated == 0 {
		return 0, nil
	}
	if err := w.finishMarked(agents, digests); err != nil {
		return 0, err
	}
	return updated, nil
}

// finishMarked writes sync status, name, ip, labels digest and labels of the rows
// applySyncreqSQL marked, all of them agents of this batch, which leaves none marked; each
// indexed column only on the rows where it changes. digests are the agents' labels digests, in
// the same order.
func (w *AgentInfoWriter) finishMarked(agents []Agent, digests [][]byte) error {
	m, err := w.readMarked(agents)
	if err != nil {
		return err
	}
	if len(m.changed) == 0 {
		return nil
	}
	if _, err := w.synced.exec(len(m.unsynced), func(i int, dst []any) { dst[0] = agents[m.unsynced[i]].ID }); err != nil {
		return fmt.Errorf("mark changed agents synced: %w", err)
	}
	if _, err := w.rename.exec(len(m.renamed), func(i int, dst []any) {
		a := &agents[m.renamed[i]]
		dst[0], dst[1] = a.ID, a.Name
	}); err != nil {
		return fmt.Errorf("update agent names: %w", err)
	}
	if _, err := w.address.exec(len(m.moved), func(i int, dst []any) {
		a := &agents[m.moved[i]]
		dst[0], dst[1], dst[2] = a.ID, nullString(a.IP), digests[m.moved[i]]
	}); err != nil {
		return fmt.Errorf("update agent addresses: %w", err)
	}
	if _, err := w.digest.exec(len(m.relabelled), func(i int, dst []any) {
		dst[0], dst[1] = agents[m.relabelled[i]].ID, digests[m.relabelled[i]]
	}); err != nil {
		return fmt.Errorf("update agent labels digests: %w", err)
	}
	labelled := make([]Agent, len(m.changed))
	for i, k := range m.changed {
		labelled[i] = agents[k]
	}
	return w.replaceLabels(labelled)
}

// marked sorts the marked rows, as positions in a batch of agents, by what must be written:
// every one (changed) gets its labels; unsynced, its sync status; renamed, its name; moved,
// its address and labels digest; relabelled (the rest), its labels digest alone.
type marked struct {
	changed, unsynced, renamed, moved, relabelled []int
}

// readMarked reads the rows applySyncreqSQL marked and compares their indexed columns with
// what agents reported.
func (w *AgentInfoWriter) readMarked(agents []Agent) (marked, error) {
	var m marked
	if w.marked == nil {
		st, err := w.s.stmt(w.ctx, w.tx, markedSQL)
		if err != nil {
			return m, fmt.Errorf("prepare the list of changed agents: %w", err)
		}
		w.marked = st
	}
	rows, err := w.marked.QueryContext(w.ctx)
	if err != nil {
		return m, fmt.Errorf("list the agents whose name, ip or labels changed: %w", err)
	}
	defer rows.Close()
	var (
		at               map[int]int // position of each agent, built at the first marked row
		id               int
		name, ip, status sql.RawBytes // compared only, never kept: their buffers serve every row
	)
	for rows.Next() {
		if err := rows.Scan(&id, &name, &ip, &status); err != nil {
			return m, fmt.Errorf("list the agents whose name, ip or labels changed: %w", err)
		}
		if at == nil {
			at = make(map[int]int, len(agents))
			for i := range agents {
				at[agents[i].ID] = i
			}
		}
		i, ok := at[id]
		if !ok {
			return m, fmt.Errorf("agent %03d marked as changed is not in the batch", id)
		}
		a := &agents[i]
		m.changed = append(m.changed, i)
		if string(status) != "synced" {
			m.unsynced = append(m.unsynced, i)
		}
		if reported := reportedName(a.Name); reported != "" && reported != string(name) {
			m.renamed = append(m.renamed, i)
		}
		// ip is NULL (nil) or text; a reported ip of "" is stored as NULL.
		if (ip == nil) != (a.IP == "") || string(ip) != a.IP {
			m.moved = append(m.moved, i)
		} else {
			m.relabelled = append(m.relabelled, i)
		}
	}
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("list the agents whose name, ip or labels changed: %w", err)
	}
	return m, nil
}

// reportedName is the name a worker reported for an agent, or "" (keep the stored one) when it
// is not a valid agent name. wazuh-db takes any name here, but the master writes client.keys from
// these rows: a worker must not rename an agent to "../../etc", megabytes or a line break.
func reportedName(name string) string {
	if !messages.ValidAgentName(name) {
		return ""
	}
	return name
}

func (w *AgentInfoWriter) applyKeepalives(items []AgentKeepalive) (int64, error) {
	if len(items) == 0 {
		return 0, nil
	}
	n, err := w.keepalive.exec(len(items), func(i int, dst []any) {
		dst[0], dst[1] = items[i].ID, w.now
	})
	if err != nil {
		return 0, fmt.Errorf("update keepalives: %w", err)
	}
	if _, err := w.alive.exec(len(items), func(i int, dst []any) {
		dst[0], dst[1] = items[i].ID, items[i].Version
	}); err != nil {
		return 0, fmt.Errorf("update keepalives' statuses: %w", err)
	}
	if err := markSynced(w.synced, items, func(k AgentKeepalive) int { return k.ID }); err != nil {
		return 0, err
	}
	return n, nil
}

func (w *AgentInfoWriter) applyStatuses(items []AgentStatus) (int64, error) {
	if len(items) == 0 {
		return 0, nil
	}
	n, err := w.status.exec(len(items), func(i int, dst []any) {
		st := &items[i]
		dst[0], dst[1], dst[2] = st.ID, st.Version, knownConnectionStatus(st.ConnectionStatus)
		dst[3], dst[4] = st.DisconnectionTime, st.StatusCode
	})
	if err != nil {
		return 0, fmt.Errorf("update statuses: %w", err)
	}
	if err := markSynced(w.synced, items, func(st AgentStatus) int { return st.ID }); err != nil {
		return 0, err
	}
	return n, nil
}

func markSynced[T any](synced *rowsStatement, items []T, id func(T) int) error {
	if _, err := synced.exec(len(items), func(i int, dst []any) { dst[0] = id(items[i]) }); err != nil {
		return fmt.Errorf("mark synced: %w", err)
	}
	return nil
}

package standin

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Report is what an agent's keepalive tells the manager it is connected to.
type Report struct {
	ID                          int
	Version                     string
	OSName, OSPlatform, OSUname string
	ConfigSum, MergedSum        string
	ManagerHost, NodeName       string
	Labels                      map[string]string
}

// ReportKeepalive writes a keepalive that changed the agent's information, as remoted does on
// its manager: the information, active, last_keepalive now, sync_status syncreq (the next
// GET /v1/agents/sync hands it over).
func (w *WazuhDB) ReportKeepalive(r Report) error {
	return w.withDB(func(ctx context.Context, db *sql.DB) error {
		res, err := db.ExecContext(ctx, "UPDATE agent SET version = ?, os_name = ?, os_platform = ?, os_uname = ?, config_sum = ?, "+
			"merged_sum = ?, manager_host = ?, node_name = ?, last_keepalive = ?, connection_status = 'active', "+
			"disconnection_time = 0, status_code = 0, group_config_status = 'synced', sync_status = 'syncreq' WHERE id = ?",
			r.Version, r.OSName, r.OSPlatform, r.OSUname, r.ConfigSum, r.MergedSum, r.ManagerHost, r.NodeName,
			time.Now().Unix(), r.ID)
		if err != nil {
			return fmt.Errorf("stand-in wazuh-db: keepalive of %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("stand-in wazuh-db: keepalive of %d: no such agent", r.ID)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM labels WHERE id = ?", r.ID); err != nil {
			return err
		}
		for k, v := range r.Labels {
			if _, err := db.ExecContext(ctx, "INSERT INTO labels (id, key, value) VALUES (?, ?, ?)", r.ID, k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReportAlive writes a keepalive that changed nothing but the time (sync_status
// syncreq_keepalive).
func (w *WazuhDB) ReportAlive(id int) error {
	return w.Exec("UPDATE agent SET last_keepalive = ?, connection_status = 'active', sync_status = 'syncreq_keepalive' WHERE id = ?",
		time.Now().Unix(), id)
}

// ReportDisconnected writes what remoted writes when an agent goes away (sync_status
// syncreq_status).
func (w *WazuhDB) ReportDisconnected(id int) error {
	return w.Exec("UPDATE agent SET connection_status = 'disconnected', disconnection_time = ?, sync_status = 'syncreq_status' WHERE id = ?",
		time.Now().Unix(), id)
}

package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// NewAgent is an enrolled agent to insert.
type NewAgent struct {
	ID              int // 0 = allocate the next id
	Name, IP, Key   string
	Groups          []string
	DateAdd         int64  // unix seconds; 0 = now
	GroupSyncStatus string // "synced" (default) or "syncreq" (a master in a cluster)
}

// AddAgent inserts an enrolled agent in one transaction. Its id is the
// highest id ever seen (agents and removed client.keys entries, as authd
// counts "!" lines) plus one, unless a.ID > 0, which must be free
// (ErrDuplicateID). The agent takes the next client.keys position, starts
// never_connected with register_ip = ip ("any" when empty) and gets its
// groups as SetAgentGroups in override mode would set them.
func (s *Store) AddAgent(ctx context.Context, a NewAgent) (Agent, error) {
	if a.IP == "" {
		a.IP = "any"
	}
	if err := validateNewAgent(a); err != nil {
		return Agent{}, fmt.Errorf("add agent %q: %w", a.Name, err)
	}
	syncStatus, err := groupSyncStatus(a.GroupSyncStatus)
	if err != nil {
		return Agent{}, fmt.Errorf("add agent %q: %w", a.Name, err)
	}
	if a.DateAdd == 0 {
		a.DateAdd = time.Now().Unix()
	}
	var added Agent
	err = s.write(ctx, fmt.Sprintf("add agent %q", a.Name), func(tx *sql.Tx) error {
		id, err := chooseID(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		var pos int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(key_pos) + 1, 0) FROM agent`).Scan(&pos); err != nil {
			return fmt.Errorf("next key position: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO agent
			(id, name, ip, register_ip, internal_key, date_add, key_pos, group_sync_status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, a.Name, a.IP, a.IP, a.Key, a.DateAdd, pos, syncStatus)
		if err != nil {
			return fmt.Errorf("insert agent %d: %w", id, err)
		}
		if len(a.Groups) > 0 {
			gw, err := s.newGroupWriter(ctx, tx)
			if err != nil {
				return err
			}
			defer gw.close()
			if err := gw.apply(ModeOverride, syncStatus, AgentGroups{ID: id, Groups: a.Groups}); err != nil {
				return err
			}
		}
		added, err = scanAgent(tx.QueryRowContext(ctx, "SELECT "+agentColumns+" FROM agent WHERE id = ?", id))
		return err
	})
	if err != nil {
		return Agent{}, err
	}
	return added, nil
}

func validateNewAgent(a NewAgent) error {
	if a.ID < 0 {
		return fmt.Errorf("%w: negative id %d", ErrInvalidAgent, a.ID)
	}
	if err := clientkeys.CheckFields(a.Name, a.IP, a.Key); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidAgent, err)
	}
	if err := messages.CheckAgentName(a.Name); err != nil {
		return fmt.Errorf("%w: %q: %v", ErrInvalidAgent, messages.ClipForLog(a.Name), err)
	}
	return validateGroupList(a.Groups)
}

// chooseID returns the requested id when it is free, or allocates the next one.
func chooseID(ctx context.Context, tx *sql.Tx, requested int) (int, error) {
	if requested > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agent WHERE id = ?`, requested).Scan(&n); err != nil {
			return 0, fmt.Errorf("check id %d: %w", requested, err)
		}
		if n > 0 {
			return 0, fmt.Errorf("%w: %03d", ErrDuplicateID, requested)
		}
		return requested, nil
	}
	var last int
	err := tx.QueryRowContext(ctx, `SELECT MAX(
		(SELECT last_id FROM id_counter),
		COALESCE((SELECT MAX(id) FROM agent), 0),
		COALESCE((SELECT MAX(id) FROM removed_keys), 0))`).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("allocate id: %w", err)
	}
	return last + 1, nil
}

// NextAgentID is the id AddAgent would allocate now: the highest id ever seen plus one. The
// replicated master allocates with it before it commits an enrollment, so that every replica
// stores the agent under the same id.
func (s *Store) NextAgentID(ctx context.Context) (int, error) {
	var id int
	err := s.read(ctx, "next agent id", func(tx *sql.Tx) error {
		var err error
		id, err = chooseID(ctx, tx, 0)
		return err
	})
	return id, err
}

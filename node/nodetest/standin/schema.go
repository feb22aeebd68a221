package standin

// schema is the part of wazuh-db's global database (src/wazuh_db/schema_global.sql) the
// cluster reads and writes: agents, their labels, groups and memberships.
var schema = []string{
	`CREATE TABLE agent (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		ip TEXT,
		register_ip TEXT,
		internal_key TEXT,
		os_name TEXT, os_version TEXT, os_major TEXT, os_minor TEXT, os_codename TEXT, os_build TEXT,
		os_platform TEXT, os_uname TEXT, os_arch TEXT,
		version TEXT,
		config_sum TEXT,
		merged_sum TEXT,
		manager_host TEXT,
		node_name TEXT DEFAULT 'unknown',
		date_add INTEGER NOT NULL,
		last_keepalive INTEGER,
		` + "`group`" + ` TEXT DEFAULT 'default',
		group_hash TEXT DEFAULT NULL,
		group_sync_status TEXT NOT NULL CHECK (group_sync_status IN ('synced', 'syncreq')) DEFAULT 'synced',
		sync_status TEXT NOT NULL CHECK (sync_status IN ('synced', 'syncreq', 'syncreq_status', 'syncreq_keepalive')) DEFAULT 'synced',
		connection_status TEXT NOT NULL CHECK (connection_status IN ('pending', 'never_connected', 'active', 'disconnected')) DEFAULT 'never_connected',
		disconnection_time INTEGER DEFAULT 0,
		group_config_status TEXT NOT NULL CHECK (group_config_status IN ('synced', 'not synced')) DEFAULT 'not synced',
		status_code INTEGER DEFAULT 0
	)`,
	`CREATE INDEX agent_name ON agent (name)`,
	`CREATE INDEX agent_group_hash ON agent (group_hash)`,
	`CREATE TABLE labels (
		id INTEGER REFERENCES agent (id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		PRIMARY KEY (id, key)
	)`,
	"CREATE TABLE `group` (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, UNIQUE (name))",
	"CREATE TABLE belongs (" + `
		id_agent INTEGER REFERENCES agent (id) ON DELETE CASCADE,
		id_group INTEGER REFERENCES ` + "`group`" + ` (id) ON DELETE CASCADE,
		priority INTEGER NOT NULL DEFAULT 0,
		UNIQUE (id_agent, priority),
		PRIMARY KEY (id_agent, id_group)
	)`,
	`CREATE INDEX belongs_id_agent ON belongs (id_agent)`,
	`CREATE INDEX belongs_id_group ON belongs (id_group)`,
}

package authd

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MemStore is an in-memory Store that keeps Wazuh's keystore order: active entries in keystore
// order (a deletion moves the last entry into the freed slot), then removed entries in the order
// they were removed. It is safe for concurrent use.
type MemStore struct {
	mu      sync.Mutex
	active  []Agent
	removed []Agent
	// maxID is the highest id ever seen, removed and purged ones included.
	maxID int
	// Indexes over active: id → slot, name → id, ip → id ("any" is not indexed).
	slotByID map[int]int
	idByName map[string]int
	idByIP   map[string]int
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{slotByID: map[int]int{}, idByName: map[string]int{}, idByIP: map[string]int{}}
}

// LoadClientKeys appends client.keys lines ("<id> <name> <ip> <key>", removed entries with a
// '!' name). Lines starting with '#' or a space and empty lines are skipped, as Wazuh does.
func (m *MemStore) LoadClientKeys(lines []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, line := range lines {
		if line == "" || line[0] == '#' || line[0] == ' ' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 4 {
			return fmt.Errorf("%w: %q", ErrInvalidClientKeysLine, line)
		}
		id, err := strconv.Atoi(fields[0])
		if err != nil || id <= 0 {
			return fmt.Errorf("%w: id %q", ErrInvalidClientKeysLine, fields[0])
		}
		a := Agent{ID: id, Name: fields[1], IP: fields[2], Key: fields[3]}
		m.maxID = max(m.maxID, id)
		if name, removed := strings.CutPrefix(a.Name, "!"); removed {
			a.Name = name
			m.removed = append(m.removed, a)
			continue
		}
		m.appendActive(a)
	}
	return nil
}

// SetAgentInfo sets what wazuh-db's agent-info would say about an active agent.
func (m *MemStore) SetAgentInfo(id int, connectionStatus string, disconnectionTime, dateAdd int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.indexOf(id)
	if i < 0 {
		return fmt.Errorf("set agent info %s: %w", FormatID(id), ErrAgentNotFound)
	}
	m.active[i].ConnectionStatus = connectionStatus
	m.active[i].DisconnectionTime = disconnectionTime
	m.active[i].DateAdd = dateAdd
	return nil
}

// ClientKeysLines renders the store as client.keys lines, active entries first.
func (m *MemStore) ClientKeysLines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	lines := make([]string, 0, len(m.active)+len(m.removed))
	for _, a := range m.active {
		lines = append(lines, FormatID(a.ID)+" "+a.Name+" "+a.IP+" "+a.Key)
	}
	for _, a := range m.removed {
		lines = append(lines, FormatID(a.ID)+" !"+a.Name+" "+a.IP+" "+a.Key)
	}
	return lines
}

// Agents returns the active agents in keystore order.
func (m *MemStore) Agents() []Agent {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Agent, len(m.active))
	for i, a := range m.active {
		out[i] = cloneAgent(a)
	}
	return out
}

// AgentByName returns the active agent called name.
func (m *MemStore) AgentByName(_ context.Context, name string) (Agent, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.idByName[name]
	return m.byID(id, ok)
}

// AgentByIP returns the active agent whose stored IP is exactly ip.
func (m *MemStore) AgentByIP(_ context.Context, ip string) (Agent, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ip == "any" {
		for i := range m.active {
			if m.active[i].IP == ip {
				return cloneAgent(m.active[i]), true, nil
			}
		}
		return Agent{}, false, nil
	}
	id, ok := m.idByIP[ip]
	return m.byID(id, ok)
}

// Agent returns the active agent with id.
func (m *MemStore) Agent(_ context.Context, id int) (Agent, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byID(id, true)
}

// AddAgent appends a; a.ID == 0 takes the next id. An explicit id held by an active agent is
// refused; a removed entry with that id is dropped.
func (m *MemStore) AddAgent(_ context.Context, a Agent) (Agent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a.ID == 0 {
		a.ID = m.maxID + 1
	} else if m.indexOf(a.ID) >= 0 {
		return Agent{}, fmt.Errorf("add agent %s: %w", FormatID(a.ID), ErrDuplicateID)
	}
	m.removed = slices.DeleteFunc(m.removed, func(r Agent) bool { return r.ID == a.ID })
	m.maxID = max(m.maxID, a.ID)
	m.appendActive(cloneAgent(a))
	return cloneAgent(a), nil
}

// RemoveAgent deletes an active agent the way Wazuh's OS_DeleteKey does: the last entry moves
// into its slot; unless purge, the agent is kept as a removed entry.
func (m *MemStore) RemoveAgent(_ context.Context, id int, purge bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.indexOf(id)
	if i < 0 {
		return fmt.Errorf("remove agent %s: %w", FormatID(id), ErrAgentNotFound)
	}
	gone := m.active[i]
	if !purge {
		m.removed = append(m.removed, Agent{ID: gone.ID, Name: gone.Name, IP: gone.IP, Key: gone.Key})
	}
	last := len(m.active) - 1
	m.active[i] = m.active[last]
	m.slotByID[m.active[i].ID] = i
	m.active[last] = Agent{}
	m.active = m.active[:last]
	delete(m.slotByID, id)
	m.unindex(m.idByName, gone.Name, id, func(a *Agent) string { return a.Name })
	if gone.IP != "any" {
		m.unindex(m.idByIP, gone.IP, id, func(a *Agent) string { return a.IP })
	}
	return nil
}

func (m *MemStore) appendActive(a Agent) {
	m.slotByID[a.ID] = len(m.active)
	m.active = append(m.active, a)
	if _, taken := m.idByName[a.Name]; !taken {
		m.idByName[a.Name] = a.ID
	}
	if _, taken := m.idByIP[a.IP]; !taken && a.IP != "any" {
		m.idByIP[a.IP] = a.ID
	}
}

// unindex drops key → id and, when another active agent shares the key (only possible in a
// loaded file), points the key at the first of them in keystore order.
func (m *MemStore) unindex(index map[string]int, key string, id int, field func(*Agent) string) {
	if index[key] != id {
		return
	}
	delete(index, key)
	for i := range m.active {
		if field(&m.active[i]) == key {
			index[key] = m.active[i].ID
			return
		}
	}
}

func (m *MemStore) byID(id int, ok bool) (Agent, bool, error) {
	if !ok {
		return Agent{}, false, nil
	}
	i := m.indexOf(id)
	if i < 0 {
		return Agent{}, false, nil
	}
	return cloneAgent(m.active[i]), true, nil
}

func (m *MemStore) indexOf(id int) int {
	if i, ok := m.slotByID[id]; ok {
		return i
	}
	return -1
}

func cloneAgent(a Agent) Agent {
	a.Groups = slices.Clone(a.Groups)
	return a
}

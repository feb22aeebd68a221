package messages

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// ParseAgentInfoSync decodes the worker's agent-info document whole, in any JSON spacing: what
// ScanAgentInfoSync and Walk hand over a batch at a time, for documents known to be small. A
// missing chunks object or list is empty; set_data_command, when present, must be
// "global sync-agent-info-set"; payload is not read. Every item needs an integer id; other
// members may be missing or null (empty) but must have their type when present. A
// syncreq_keepalive item may also be a bare id, as some wazuh-db versions write it. Items larger
// than MaxAgentInfoItemSize are left out.
func ParseAgentInfoSync(b []byte) (AgentInfoChunks, error) {
	d, err := ScanAgentInfoSync(b)
	if err != nil {
		return AgentInfoChunks{}, err
	}
	return d.collect()
}

// ParseAgentInfoChunks decodes wazuh-db's answer to GET /v1/agents/sync (§6.1), the chunks
// object alone, with the rules of ParseAgentInfoSync: `{}` is nothing to do, a missing list is
// empty (nil).
func ParseAgentInfoChunks(b []byte) (AgentInfoChunks, error) {
	d, err := ScanAgentInfoChunks(b)
	if err != nil {
		return AgentInfoChunks{}, err
	}
	return d.collect()
}

// collect decodes every item of the document.
func (d *AgentInfoDocument) collect() (AgentInfoChunks, error) {
	var c agentInfoCollector
	// A list the document has is non-nil, even when empty.
	if d.lists[0] >= 0 {
		c.chunks.Syncreq = []AgentInfoItem{}
	}
	if d.lists[1] >= 0 {
		c.chunks.Keepalive = []AgentKeepaliveItem{}
	}
	if d.lists[2] >= 0 {
		c.chunks.Status = []AgentStatusItem{}
	}
	if _, err := d.Walk(&c); err != nil {
		return AgentInfoChunks{}, err
	}
	return c.chunks, nil
}

// agentInfoCollector keeps every batch of a walk.
type agentInfoCollector struct{ chunks AgentInfoChunks }

func (c *agentInfoCollector) Syncreq(b []AgentInfoItem) error {
	c.chunks.Syncreq = append(c.chunks.Syncreq, b...)
	return nil
}

func (c *agentInfoCollector) Keepalive(b []AgentKeepaliveItem) error {
	c.chunks.Keepalive = append(c.chunks.Keepalive, b...)
	return nil
}

func (c *agentInfoCollector) Status(b []AgentStatusItem) error {
	c.chunks.Status = append(c.chunks.Status, b...)
	return nil
}

// itemReader reads optional typed members of one item, keeping the first error.
type itemReader struct {
	o   Object
	err error
}

func newItemReader(v any) (*itemReader, error) {
	o, err := asObject(v, "item")
	if err != nil {
		return nil, err
	}
	return &itemReader{o: o}, nil
}

func (r *itemReader) value(key string) any {
	if r.err != nil {
		return nil
	}
	v, _ := r.o.Get(key)
	return v
}

func (r *itemReader) str(key string) string {
	v := r.value(key)
	if v == nil {
		return ""
	}
	s, err := asString(v, key)
	r.err = err
	return s
}

func (r *itemReader) int64(key string) int64 {
	v := r.value(key)
	if v == nil {
		return 0
	}
	n, err := asInt64(v, key)
	r.err = err
	return n
}

func (r *itemReader) int(key string) int {
	n := r.int64(key)
	if r.err == nil && int64(int(n)) != n {
		r.err = fmt.Errorf("%w: %q out of range", ErrMalformedPayload, key)
	}
	return int(n)
}

// id reads the required integer id.
func (r *itemReader) id() int {
	if r.err == nil && r.value("id") == nil {
		r.err = fmt.Errorf("%w: missing %q", ErrMalformedPayload, "id")
		return 0
	}
	return r.int("id")
}

func (r *itemReader) labels() []AgentLabel {
	v := r.value("labels")
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		r.err = fmt.Errorf("%w: %q must be a list", ErrMalformedPayload, "labels")
		return nil
	}
	out := make([]AgentLabel, 0, len(list))
	for _, e := range list {
		lr, err := newItemReader(e)
		if err != nil {
			r.err = fmt.Errorf("labels: %w", err)
			return nil
		}
		l := AgentLabel{Key: lr.str("key"), Value: lr.str("value")}
		if lr.err != nil {
			r.err = fmt.Errorf("labels: %w", lr.err)
			return nil
		}
		out = append(out, l)
	}
	return out
}

func asInt64(v any, key string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok || !isIntegerLiteral(string(n)) {
		return 0, fmt.Errorf("%w: %q must be an integer", ErrMalformedPayload, key)
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q out of range: %w", ErrMalformedPayload, key, err)
	}
	return i, nil
}

func parseAgentInfoItem(v any) (AgentInfoItem, error) {
	r, err := newItemReader(v)
	if err != nil {
		return AgentInfoItem{}, err
	}
	a := AgentInfoItem{
		ID: r.id(), Name: r.str("name"), IP: r.str("ip"),
		OSName: r.str("os_name"), OSVersion: r.str("os_version"), OSMajor: r.str("os_major"),
		OSMinor: r.str("os_minor"), OSCodename: r.str("os_codename"), OSBuild: r.str("os_build"),
		OSPlatform: r.str("os_platform"), OSUname: r.str("os_uname"), OSArch: r.str("os_arch"),
		Version: r.str("version"), ConfigSum: r.str("config_sum"), MergedSum: r.str("merged_sum"),
		ManagerHost: r.str("manager_host"), NodeName: r.str("node_name"),
		LastKeepalive: r.int64("last_keepalive"), ConnectionStatus: r.str("connection_status"),
		DisconnectionTime: r.int64("disconnection_time"), GroupConfigStatus: r.str("group_config_status"),
		StatusCode: r.int("status_code"), Labels: r.labels(),
	}
	if r.err != nil {
		return AgentInfoItem{}, r.err
	}
	return a, nil
}

func parseKeepaliveItem(v any) (AgentKeepaliveItem, error) {
	if _, bare := v.(json.Number); bare {
		id, err := asInt64(v, "id")
		if err != nil || int64(int(id)) != id {
			return AgentKeepaliveItem{}, fmt.Errorf("%w: bad id", ErrMalformedPayload)
		}
		return AgentKeepaliveItem{ID: int(id)}, nil
	}
	r, err := newItemReader(v)
	if err != nil {
		return AgentKeepaliveItem{}, err
	}
	k := AgentKeepaliveItem{ID: r.id(), Version: r.str("version")}
	if r.err != nil {
		return AgentKeepaliveItem{}, r.err
	}
	return k, nil
}

func parseStatusItem(v any) (AgentStatusItem, error) {
	r, err := newItemReader(v)
	if err != nil {
		return AgentStatusItem{}, err
	}
	st := AgentStatusItem{ID: r.id(), Version: r.str("version"), ConnectionStatus: r.str("connection_status"),
		DisconnectionTime: r.int64("disconnection_time"), StatusCode: r.int("status_code")}
	if r.err != nil {
		return AgentStatusItem{}, r.err
	}
	return st, nil
}

package messages

import "fmt"

// Node types as Wazuh reports them.
const (
	NodeTypeMaster = "master"
	NodeTypeWorker = "worker"
)

// NodeInfo is the basic description of a cluster node, as get_nodes reports it (§13.1): the
// master's ip is nodes[0] of its configuration, a worker's the address it connected from.
type NodeInfo struct {
	Name    string
	Type    string
	Version string
	IP      string
}

// nodeFieldNames are a node's attributes in the order Wazuh's to_dict() emits them; they are
// also the only valid select and sort fields.
var nodeFieldNames = []string{"name", "type", "version", "ip"}

// field returns the attribute named key; ok is false for an unknown key.
func (n NodeInfo) field(key string) (string, bool) {
	switch key {
	case "name":
		return n.Name, true
	case "type":
		return n.Type, true
	case "version":
		return n.Version, true
	case "ip":
		return n.IP, true
	}
	return "", false
}

// NodeField is one selected attribute of a node.
type NodeField struct {
	Key   string
	Value string
}

// NodeItem is one entry of a get_nodes result: the selected attributes in selection order,
// which is the order Wazuh writes them (and cluster_control prints them).
type NodeItem []NodeField

// Get returns the value of the attribute named key.
func (it NodeItem) Get(key string) (string, bool) {
	for _, f := range it {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// Info collects the item's attributes into a NodeInfo; unselected ones stay empty.
func (it NodeItem) Info() NodeInfo {
	var n NodeInfo
	n.Name, _ = it.Get("name")
	n.Type, _ = it.Get("type")
	n.Version, _ = it.Get("version")
	n.IP, _ = it.Get("ip")
	return n
}

func (it NodeItem) object() Object {
	o := make(Object, len(it))
	for i, f := range it {
		o[i] = Member{Key: f.Key, Value: f.Value}
	}
	return o
}

// equal reports whether two items have the same attributes in the same order (Python dict
// equality ignores order, but items of one result always share their key order).
func (it NodeItem) equal(other NodeItem) bool {
	if len(it) != len(other) {
		return false
	}
	for i := range it {
		if it[i] != other[i] {
			return false
		}
	}
	return true
}

// NodesResult is the get_nodes answer: {"items": [...], "totalItems": N}, N counting the
// matching nodes before offset and limit.
type NodesResult struct {
	Items      []NodeItem
	TotalItems int
}

// Encode writes the result as Wazuh's json.dumps does.
func (r NodesResult) Encode() []byte {
	items := make([]any, len(r.Items))
	for i, it := range r.Items {
		items[i] = it.object()
	}
	return EncodeJSON(Object{
		{Key: "items", Value: items},
		{Key: "totalItems", Value: r.TotalItems},
	})
}

// MarshalJSON makes encoding/json produce the same document as Encode (encoding/json then
// compacts it; use Encode for Wazuh's spacing).
func (r NodesResult) MarshalJSON() ([]byte, error) { return r.Encode(), nil }

// ParseNodesResult decodes a get_nodes answer (any JSON spacing); item attributes must be
// strings.
func ParseNodesResult(p []byte) (NodesResult, error) {
	o, err := decodeObjectPayload(p)
	if err != nil {
		return NodesResult{}, fmt.Errorf("parse nodes result: %w", err)
	}
	fields := objectReader{o: o}
	r := NodesResult{TotalItems: fields.int("totalItems")}
	rawItems := fields.get("items")
	if fields.err != nil {
		return NodesResult{}, fmt.Errorf("parse nodes result: %w", fields.err)
	}
	list, ok := rawItems.([]any)
	if !ok {
		return NodesResult{}, fmt.Errorf("parse nodes result: %w: %q must be a list", ErrMalformedPayload, "items")
	}
	r.Items = make([]NodeItem, 0, len(list))
	for _, raw := range list {
		entry, err := asObject(raw, "items")
		if err != nil {
			return NodesResult{}, fmt.Errorf("parse nodes result: %w", err)
		}
		item := make(NodeItem, 0, len(entry))
		for _, m := range entry {
			s, err := asString(m.Value, m.Key)
			if err != nil {
				return NodesResult{}, fmt.Errorf("parse nodes result: %w", err)
			}
			item = append(item, NodeField{Key: m.Key, Value: s})
		}
		r.Items = append(r.Items, item)
	}
	return r, nil
}

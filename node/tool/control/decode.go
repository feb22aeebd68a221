package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// Every answer is first read as control.py reads it, with json.loads(...,
// object_hook=as_wazuh_object): an exception instead of a document is raised, and a payload that
// is not JSON or holds a malformed Wazuh object is refused.

// decodeNodes parses the answer to get_nodes.
func decodeNodes(payload []byte) (NodesDoc, error) {
	var doc NodesDoc
	if err := decodeDocument(payload, &doc); err != nil {
		return NodesDoc{}, fmt.Errorf("get_nodes answer: %w", err)
	}
	return doc, nil
}

// decodeHealth parses the answer to get_health.
func decodeHealth(payload []byte) (messages.Health, error) {
	if err := checkAnswer(payload); err != nil {
		return messages.Health{}, fmt.Errorf("get_health answer: %w", err)
	}
	doc, err := messages.ParseHealth(payload)
	if err != nil {
		return messages.Health{}, fmt.Errorf("get_health answer: %w: %w", ErrMalformedDocument, err)
	}
	return doc, nil
}

// decodeConfig parses the answer to get_config.
func decodeConfig(payload []byte) (ClusterConfig, error) {
	var cfg ClusterConfig
	if err := decodeDocument(payload, &cfg); err != nil {
		return ClusterConfig{}, fmt.Errorf("get_config answer: %w", err)
	}
	return cfg, nil
}

// agentFields are the keys cluster_control selects, in the order of its table columns.
var agentFields = [...]string{"id", "name", "ip", "status", "version", "node_name"}

// decodeAgents parses a distributed API answer to Agent.get_agents_overview as
// control.get_agents reads it: the WazuhResult the master sends (its dict as a plain
// document is read the same), whose items lack no field — a missing one (a never-connected
// agent has no version) reads "unknown".
func decodeAgents(payload []byte) (AgentsDoc, error) {
	v, err := messages.DecodeObject(payload)
	if err != nil {
		return AgentsDoc{}, fmt.Errorf("agents answer: %w: %w", ErrMalformedDocument, err)
	}
	var dict messages.Object
	switch x := v.(type) {
	case *messages.WazuhError:
		return AgentsDoc{}, fmt.Errorf("agents answer: %w", x)
	case messages.WazuhResult:
		if x.Class == "WazuhResult" {
			result, _ := x.Fields.Get("result")
			dict, _ = result.(messages.Object)
		} else {
			dict = messages.Object{} // an AffectedItemsWazuhResult's dict has no items
		}
	case messages.Object:
		dict = x
	}
	if dict == nil {
		return AgentsDoc{}, fmt.Errorf("agents answer: %w: not a result", ErrMalformedDocument)
	}
	rawItems, ok := dict.Get("items")
	if !ok {
		return AgentsDoc{}, fmt.Errorf("agents answer: %w: KeyError: 'items'", ErrMalformedDocument)
	}
	items, ok := rawItems.([]any)
	if !ok {
		return AgentsDoc{}, fmt.Errorf("agents answer: %w: items is not a list", ErrMalformedDocument)
	}
	doc := AgentsDoc{Items: make([]AgentRow, 0, len(items))}
	if total, ok := dict.Get("totalItems"); ok {
		n, err := strconv.Atoi(messages.PyStr(total))
		if err != nil {
			return AgentsDoc{}, fmt.Errorf("agents answer: %w: totalItems %s", ErrMalformedDocument, messages.ClipForLog(messages.PyStr(total)))
		}
		doc.TotalItems = n
	}
	for _, raw := range items {
		item, ok := raw.(messages.Object)
		if !ok {
			return AgentsDoc{}, fmt.Errorf("agents answer: %w: an item is not an object", ErrMalformedDocument)
		}
		var cells [len(agentFields)]string
		for i, key := range agentFields {
			value, present := item.Get(key)
			if !present {
				cells[i] = "unknown"
				continue
			}
			cells[i] = messages.PyStr(value)
		}
		doc.Items = append(doc.Items, AgentRow{
			ID: cells[0], Name: cells[1], IP: cells[2], Status: cells[3], Version: cells[4], NodeName: cells[5],
		})
	}
	return doc, nil
}

// checkAnswer returns the Wazuh exception an answer holds, or an ErrMalformedDocument error
// when it cannot be read at all.
func checkAnswer(payload []byte) error {
	v, err := messages.DecodeObject(payload)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedDocument, err)
	}
	if we, ok := v.(*messages.WazuhError); ok {
		return we
	}
	return nil
}

// decodeDocument unmarshals a JSON answer into dst, or returns the Wazuh exception it holds.
func decodeDocument(payload []byte, dst any) error {
	if err := checkAnswer(payload); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedDocument, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the JSON document", ErrMalformedDocument)
	}
	return nil
}

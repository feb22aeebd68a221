package control

import (
	"bytes"
	"encoding/json"
	"fmt"

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

// decodeAgents parses a distributed API answer to Agent.get_agents_overview, filling the fields
// an agent lacks (a never-connected agent has no version) with "unknown" as control.get_agents
// does.
func decodeAgents(payload []byte) (AgentsDoc, error) {
	type overview struct {
		Items      []map[string]any `json:"items"`
		TotalItems int              `json:"totalItems"`
	}
	// The master's answer is the function's dict wrapped in a WazuhResult, as Wazuh's
	// distribute_function sends it; a bare dict is read too.
	var answer struct {
		overview
		Result *struct {
			Object struct {
				Result overview `json:"result"`
			} `json:"__object__"`
		} `json:"__wazuh_result__"`
	}
	if err := decodeDocument(payload, &answer); err != nil {
		return AgentsDoc{}, fmt.Errorf("agents answer: %w", err)
	}
	raw := answer.overview
	if answer.Result != nil {
		raw = answer.Result.Object.Result
	}
	doc := AgentsDoc{Items: make([]AgentRow, 0, len(raw.Items)), TotalItems: raw.TotalItems}
	for _, item := range raw.Items {
		var cells [len(agentFields)]string
		for i, key := range agentFields {
			value, present := item[key]
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

package wazuhdb

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// labelsDigest identifies a set of labels as replaceLabels stores it: a key
// listed twice keeps its last value, and order does not matter. It is the
// first 16 bytes of a SHA-256 over the length-prefixed keys and values in
// key order, never nil (no labels is a digest too, distinct from unknown).
func labelsDigest(labels []Label) []byte {
	h := sha256.New()
	var n [8]byte
	write := func(field string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(field)))
		h.Write(n[:])
		h.Write([]byte(field))
	}
	if sortedUniqueKeys(labels) {
		// What workers send: their store reads labels in key order.
		for _, l := range labels {
			write(l.Key)
			write(l.Value)
		}
		return h.Sum(nil)[:16]
	}
	last := make(map[string]string, len(labels))
	for _, l := range labels {
		last[l.Key] = l.Value
	}
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	for _, k := range keys {
		write(k)
		write(last[k])
	}
	return h.Sum(nil)[:16]
}

func sortedUniqueKeys(labels []Label) bool {
	for i := 1; i < len(labels); i++ {
		if labels[i-1].Key >= labels[i].Key {
			return false
		}
	}
	return true
}

// clearLabelsSQL deletes the labels of the listed agents.
const clearLabelsSQL = `DELETE FROM labels WHERE id IN (VALUES ` + valuesPlaceholder + `)`

// insertLabelsSQL skips labels of unknown agents, which would break the
// foreign key; a key listed twice for one agent takes its last value.
// VALUES columns: id, key, value.
const insertLabelsSQL = `INSERT OR REPLACE INTO labels (id, key, value)
	SELECT v.column1, v.column2, v.column3 FROM (VALUES ` + valuesPlaceholder + `) AS v
	WHERE EXISTS (SELECT 1 FROM agent WHERE agent.id = v.column1)`

// replaceLabels gives every listed agent exactly its Labels (none when
// empty). Deleting and inserting binds fewer values than comparing with the
// stored labels would, and binding is what costs.
func (w *AgentInfoWriter) replaceLabels(agents []Agent) error {
	if _, err := w.clearLabels.exec(len(agents), func(i int, dst []any) { dst[0] = agents[i].ID }); err != nil {
		return fmt.Errorf("clear labels: %w", err)
	}
	type labelRef struct{ agent, label int }
	var refs []labelRef
	for i := range agents {
		for j := range agents[i].Labels {
			refs = append(refs, labelRef{i, j})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	_, err := w.insertLabels.exec(len(refs), func(i int, dst []any) {
		a := &agents[refs[i].agent]
		l := &a.Labels[refs[i].label]
		dst[0], dst[1], dst[2] = a.ID, l.Key, l.Value
	})
	if err != nil {
		return fmt.Errorf("insert labels: %w", err)
	}
	return nil
}

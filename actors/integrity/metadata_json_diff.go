package integrity

import (
	"encoding/json"
	"fmt"
)

// MarshalPython encodes d as the files_metadata.json of a master package:
// {"missing": {...}, "extra": {...}, "shared": {...}}, in that order, each section as
// Metadata.MarshalPython writes it (an absent section is {}).
func (d Diff) MarshalPython() []byte {
	b := make([]byte, 0, (len(d.Missing)+len(d.Extra)+len(d.Shared))*encodedEntrySize+64)
	b = append(b, `{"missing": `...)
	b = d.Missing.appendPython(b)
	b = append(b, `, "extra": `...)
	b = d.Extra.appendPython(b)
	b = append(b, `, "shared": `...)
	b = d.Shared.appendPython(b)
	return append(b, '}')
}

// wireDiff decodes a master package's metadata; nil pointers are absent or null sections.
type wireDiff struct {
	Missing *map[string]wireFileMeta `json:"missing"`
	Extra   *map[string]wireFileMeta `json:"extra"`
	Shared  *map[string]wireFileMeta `json:"shared"`
}

// ParseDiff decodes the files_metadata.json of a master package, with any spacing and member
// order. The three sections are required (Wazuh's worker reads each one) and parsed as
// ParseMetadata parses a document; other members are ignored. A path listed in more than one
// section is refused (ErrDiffOverlap): compare_files never produces one, and a worker cannot
// both write and delete a file.
func ParseDiff(p []byte) (Diff, error) {
	if !isJSONObject(p) {
		return Diff{}, fmt.Errorf("%w: not a JSON object", ErrInvalidMetadata)
	}
	var wire wireDiff
	if err := json.Unmarshal(p, &wire); err != nil {
		return Diff{}, fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
	}
	var d Diff
	sections := []struct {
		name string
		wire *map[string]wireFileMeta
		dst  *Metadata
	}{
		{"missing", wire.Missing, &d.Missing},
		{"extra", wire.Extra, &d.Extra},
		{"shared", wire.Shared, &d.Shared},
	}
	for _, s := range sections {
		if s.wire == nil {
			return Diff{}, fmt.Errorf("%w: no %q section", ErrInvalidMetadata, s.name)
		}
		m, err := metadataFromWire(*s.wire)
		if err != nil {
			return Diff{}, fmt.Errorf("%s: %w", s.name, err)
		}
		*s.dst = m
	}
	if err := checkDisjoint(d); err != nil {
		return Diff{}, err
	}
	return d, nil
}

func checkDisjoint(d Diff) error {
	for rel := range d.Extra {
		if _, ok := d.Missing[rel]; ok {
			return fmt.Errorf("%w: %s is missing and extra", ErrDiffOverlap, quotePath(rel))
		}
		if _, ok := d.Shared[rel]; ok {
			return fmt.Errorf("%w: %s is shared and extra", ErrDiffOverlap, quotePath(rel))
		}
	}
	for rel := range d.Shared {
		if _, ok := d.Missing[rel]; ok {
			return fmt.Errorf("%w: %s is missing and shared", ErrDiffOverlap, quotePath(rel))
		}
	}
	return nil
}

package agentsim

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// ParseClientKeys reads a Wazuh client.keys file ("<id> <name> <ip> <key>" per line)
// and returns its active entries. Lines starting with '#' or a space are comments;
// removed entries (name starting with '!' or '#') are skipped.
func ParseClientKeys(r io.Reader) ([]agentproto.Key, error) {
	var keys []agentproto.Key
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 4096), 64<<10)
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimRight(scanner.Text(), "\r")
		if text == "" || text[0] == '#' || text[0] == ' ' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 4 {
			return nil, fmt.Errorf("line %d: %w: %d fields", line, ErrBadClientKeys, len(fields))
		}
		if fields[1][0] == '!' || fields[1][0] == '#' {
			continue
		}
		key := agentproto.Key{ID: fields[0], Name: fields[1], IP: fields[2], Raw: fields[3]}
		if err := checkKey(key); err != nil {
			return nil, fmt.Errorf("line %d: %w: %v", line, ErrBadClientKeys, err)
		}
		keys = append(keys, key)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read client.keys: %w", err)
	}
	return keys, nil
}

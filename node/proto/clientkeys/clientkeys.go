package clientkeys

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Entry is one client.keys line.
type Entry struct {
	ID            int
	Name, IP, Key string
	Removed       bool // a "!name" line: the id stays taken, the agent is gone
}

// maxKeysLine bounds one client.keys line; real lines are under 200 bytes.
const maxKeysLine = 64 * 1024

// MaxAgentID is the largest id an agent accepts (8 digits).
const MaxAgentID = 99999999

// Parse reads client.keys as Wazuh's OS_ReadKeys does: lines
// starting with '#' or a space are comments, blank lines are skipped, and an
// entry whose name starts with '!' or '#' is a removed one (Removed, Name
// without the mark). Anything else must be "<id> <name> <ip> <key>"; a line
// that is not is an ErrMalformed error naming its line number, as is an
// active id that appears twice.
func Parse(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxKeysLine)
	var (
		entries []Entry
		active  = make(map[int]int)
		lineNo  int
	)
	for sc.Scan() {
		lineNo++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || line[0] == '#' || line[0] == ' ' {
			continue
		}
		e, err := parseKeyLine(line)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrMalformed, lineNo, err)
		}
		if !e.Removed {
			if prev, dup := active[e.ID]; dup {
				return nil, fmt.Errorf("%w: line %d: id %03d already on line %d", ErrMalformed, lineNo, e.ID, prev)
			}
			active[e.ID] = lineNo
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: line %d: longer than %d bytes", ErrMalformed, lineNo+1, maxKeysLine)
		}
		return nil, fmt.Errorf("read client.keys: %w", err)
	}
	return entries, nil
}

func parseKeyLine(line string) (Entry, error) {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < 0x20 || c == 0x7f {
			return Entry{}, fmt.Errorf("control character 0x%02x", c)
		}
	}
	fields := strings.Split(line, " ")
	if len(fields) != 4 {
		return Entry{}, fmt.Errorf("want \"<id> <name> <ip> <key>\", got %d fields", len(fields))
	}
	id, err := parseAgentID(fields[0])
	if err != nil {
		return Entry{}, err
	}
	e := Entry{ID: id, Name: fields[1], IP: fields[2], Key: fields[3]}
	if e.Name != "" && (e.Name[0] == '!' || e.Name[0] == '#') {
		e.Removed = true
		e.Name = e.Name[1:]
	}
	if e.Name == "" || e.IP == "" || e.Key == "" {
		return Entry{}, errors.New("empty name, ip or key")
	}
	return e, nil
}

func parseAgentID(s string) (int, error) {
	if s == "" || len(s) > 8 {
		return 0, fmt.Errorf("bad id %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad id %q", s)
		}
	}
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 || id > MaxAgentID {
		return 0, fmt.Errorf("bad id %q", s)
	}
	return id, nil
}

// CheckFields rejects values that would not read back from a client.keys
// line: empty, containing blanks or control characters, or a name that reads
// as a removed entry.
func CheckFields(name, ip, key string) error {
	for _, f := range []struct{ what, v string }{{"name", name}, {"ip", ip}, {"key", key}} {
		if f.v == "" {
			return fmt.Errorf("empty %s", f.what)
		}
		if i := strings.IndexFunc(f.v, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
			return fmt.Errorf("%s %q has a blank or control character", f.what, f.v)
		}
	}
	if name[0] == '!' || name[0] == '#' {
		return fmt.Errorf("name %q starts with %q", name, name[0])
	}
	return nil
}

// Render writes the lines as OS_WriteKeys does: "%03d" ids, the
// entries in the given order, removed ones with "!" before the name.
func Render(entries []Entry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		mark := ""
		if e.Removed {
			mark = "!"
		}
		fmt.Fprintf(&b, "%03d %s%s %s %s\n", e.ID, mark, e.Name, e.IP, e.Key)
	}
	return b.Bytes()
}

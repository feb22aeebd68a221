package groupfiles

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// MergedFile is one file carried by a merged.mg.
type MergedFile struct {
	Name string
	Data []byte
}

// ParseMerged splits a merged.mg the way the agent does (UnmergeFiles): lines that do not start
// with '!' between records (the "#<group>" tag) are skipped; a record is a header
// "!<size> <name>\n" followed by exactly size bytes. Unlike the agent, which skips what it cannot
// write and carries on, any bad record fails the whole file: a malformed header, a record cut
// short (as remoted's TestUnmergeFiles also refuses) or a name leaving the folder.
func ParseMerged(b []byte) ([]MergedFile, error) {
	var files []MergedFile
	for pos := 0; pos < len(b); {
		line := b[pos:]
		nl := bytes.IndexByte(line, '\n')
		if nl >= 0 {
			line = line[:nl]
		}
		if len(line) == 0 || line[0] != '!' {
			if nl < 0 {
				break
			}
			pos += nl + 1
			continue
		}
		if nl < 0 {
			return nil, fmt.Errorf("record at offset %d: %w: header without end of line", pos, ErrMergedTruncated)
		}
		size, name, err := parseMergedHeader(line)
		if err != nil {
			return nil, fmt.Errorf("record at offset %d: %w", pos, err)
		}
		start := pos + nl + 1
		if size > int64(len(b)-start) {
			return nil, fmt.Errorf("record %q: %w: %d bytes announced, %d left", name, ErrMergedTruncated, size, len(b)-start)
		}
		end := start + int(size)
		files = append(files, MergedFile{Name: name, Data: b[start:end:end]})
		pos = end
	}
	return files, nil
}

func parseMergedHeader(line []byte) (int64, string, error) {
	sizeText, name, ok := strings.Cut(string(line[1:]), " ")
	if !ok || sizeText == "" || name == "" {
		return 0, "", fmt.Errorf("%w: %q", ErrMergedHeader, line)
	}
	for i := 0; i < len(sizeText); i++ {
		if sizeText[i] < '0' || sizeText[i] > '9' {
			return 0, "", fmt.Errorf("%w: %q", ErrMergedHeader, line)
		}
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%w: size %q: %w", ErrMergedHeader, sizeText, err)
	}
	if unsafeMergedName(name) {
		return 0, "", fmt.Errorf("%w: %q", ErrMergedUnsafeName, name)
	}
	return size, name, nil
}

func unsafeMergedName(name string) bool {
	if strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) {
		return true
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

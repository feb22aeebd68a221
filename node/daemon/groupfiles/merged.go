package groupfiles

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// arConfName is the active-response list every merged.mg starts with (etc/shared/ar.conf).
const arConfName = "ar.conf"

// BuildMerged (re)writes <sharedDir>/<group>/merged.mg as remoted's c_group does:
// "#<group>\n", then <sharedDir>/ar.conf when present, then every file of the group folder
// (readGroupFiles), each as "!<size> <relative path>\n<content>". The file is only replaced when
// its bytes change. It returns the MD5 of the content, which agents report in their keepalives.
func BuildMerged(sharedDir, group string) (md5hex string, changed bool, err error) {
	dir, err := groupFolder(sharedDir, group)
	if err != nil {
		return "", false, err
	}
	files, err := readGroupFiles(dir)
	if err != nil {
		return "", false, err
	}
	content, err := renderMerged(sharedDir, group, files)
	if err != nil {
		return "", false, err
	}
	return writeMerged(filepath.Join(dir, mergedName), content)
}

// renderMerged lays out a merged.mg: the tag line, ar.conf, then files in the given order.
func renderMerged(sharedDir, tag string, files []sharedFile) ([]byte, error) {
	size := len(tag) + 2
	for _, f := range files {
		size += len(f.data) + len(f.rel) + 24
	}
	out := make([]byte, 0, size+256)
	out = append(out, '#')
	out = append(out, tag...)
	out = append(out, '\n')
	arPath := filepath.Join(sharedDir, arConfName)
	ar, err := os.ReadFile(arPath)
	switch {
	case err == nil:
		out = appendRecord(out, arConfName, ar)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read %s: %w", arPath, err)
	}
	for _, f := range files {
		out = appendRecord(out, f.rel, f.data)
	}
	return out, nil
}

func appendRecord(out []byte, name string, data []byte) []byte {
	out = append(out, '!')
	out = strconv.AppendInt(out, int64(len(data)), 10)
	out = append(out, ' ')
	out = append(out, name...)
	out = append(out, '\n')
	return append(out, data...)
}

func writeMerged(path string, content []byte) (string, bool, error) {
	changed, err := writeIfChanged(path, content)
	if err != nil {
		return "", false, err
	}
	sum := md5.Sum(content)
	return hex.EncodeToString(sum[:]), changed, nil
}

package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// clusterQueueDir is where a peer may write, relative to WAZUH_HOME (§3.2).
var clusterQueueDir = filepath.Join("queue", "cluster")

// errPathNotAllowed marks a new_file path that must be answered "Write path not allowed".
var errPathNotAllowed = errors.New(ReplyWritePathNotAllowed)

// uploadTarget is where an incoming file will land: dir is the destination folder, opened as an
// os.Root so that no later operation can leave it, and name the final file name inside it.
type uploadTarget struct {
	dir  *os.Root
	name string
}

// confineUploadPath maps a new_file path ("/queue/cluster/<...>/<name>", relative to home with a
// leading slash) to its destination folder and name, refusing with errPathNotAllowed anything
// Wazuh 4.14.7 refuses and a little more: NUL bytes, invalid UTF-8, ".." components, paths
// outside <home>/queue/cluster, folders reached through symlinks leading out of it, and final
// names that exist as anything but a regular file (a directory, a socket, a symlink). A
// destination folder that does not exist is a plain error, as Wazuh's open() raises one.
func confineUploadPath(home string, raw []byte) (uploadTarget, error) {
	inner, err := queueRelativePath(raw)
	if err != nil {
		return uploadTarget{}, err
	}
	base, err := os.OpenRoot(filepath.Join(home, clusterQueueDir))
	if err != nil {
		return uploadTarget{}, fmt.Errorf("open %s: %w", clusterQueueDir, err)
	}
	defer base.Close()

	dirName, fileName := path.Split(inner)
	if dirName == "" {
		dirName = "."
	}
	// os.Root refuses any symlink that leads outside base, and every absolute symlink.
	dir, err := base.OpenRoot(strings.TrimSuffix(dirName, "/"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return uploadTarget{}, fmt.Errorf("open destination folder of %s: %w", inner, err)
		}
		return uploadTarget{}, fmt.Errorf("%w: %w", errPathNotAllowed, err)
	}
	info, err := dir.Lstat(fileName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		dir.Close()
		return uploadTarget{}, fmt.Errorf("inspect %s: %w", inner, err)
	case !info.Mode().IsRegular():
		dir.Close()
		return uploadTarget{}, fmt.Errorf("%w: %s is %v", errPathNotAllowed, inner, info.Mode().Type())
	}
	return uploadTarget{dir: dir, name: fileName}, nil
}

// queueRelativePath checks the shape of a new_file path and returns it relative to
// <home>/queue/cluster ("worker1/file.zip").
func queueRelativePath(raw []byte) (string, error) {
	if bytes.IndexByte(raw, 0) >= 0 || !utf8.Valid(raw) || !bytes.HasPrefix(raw, []byte("/")) {
		return "", errPathNotAllowed
	}
	var parts []string
	for _, part := range strings.Split(string(raw), "/") {
		switch part {
		case "", ".":
			continue
		case "..":
			return "", errPathNotAllowed
		}
		parts = append(parts, part)
	}
	if len(parts) < 3 || parts[0] != "queue" || parts[1] != "cluster" {
		return "", errPathNotAllowed
	}
	return strings.Join(parts[2:], "/"), nil
}

package logging

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/node/fsutil"
)

const (
	archiveFileMode = 0o640
	archiveDirMode  = 0o750
)

// archivePath is where Wazuh keeps a day's log: cluster/<YYYY>/<Mon>/cluster.log-<DD>.gz
// (CustomFileRotatingHandler.compute_archives_directory in wlogging.py).
func archivePath(archiveDir string, day time.Time) string {
	year, month, date := day.Date()
	return filepath.Join(archiveDir, strconv.Itoa(year), month.String()[:3],
		fmt.Sprintf("%s-%02d.gz", activeFileName, date))
}

// archive gzips a rotated file into its day's archive, then removes it. The gzip is built under a
// temporary name and renamed into place, so a crash never leaves a truncated archive. When the day
// already has an archive (a second rotation on one day after a clock change), the new gzip member
// is appended to it; zcat and Go's gzip.Reader read concatenated members as one stream. On failure
// the rotated file stays, and the next start archives it.
func archive(staged string, day time.Time, archiveDir string) error {
	dest := archivePath(archiveDir, day)
	if err := os.MkdirAll(filepath.Dir(dest), archiveDirMode); err != nil {
		return fmt.Errorf("archive %s: %w", staged, err)
	}
	tmp, err := compressToTemp(staged, dest)
	if err != nil {
		return fmt.Errorf("archive %s: %w", staged, err)
	}
	if err := install(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("archive %s: %w", staged, err)
	}
	if err := os.Remove(staged); err != nil {
		return fmt.Errorf("remove archived %s: %w", staged, err)
	}
	return nil
}

// compressToTemp writes src gzipped to a new temporary file beside dest and returns its path.
func compressToTemp(src, dest string) (tmpPath string, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()

	out, err := fsutil.CreateTemp(dest)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			_ = out.Close()
			_ = os.Remove(out.Name())
		}
	}()

	zw := gzip.NewWriter(out)
	// Python's gzip.open records the name without ".gz", as gzip(1) does.
	zw.Name = strings.TrimSuffix(filepath.Base(dest), ".gz")
	if _, err := io.Copy(zw, in); err != nil {
		return "", fmt.Errorf("compress: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("compress: %w", err)
	}
	if err := out.Chmod(archiveFileMode); err != nil {
		return "", err
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return out.Name(), nil
}

// install moves the gzip at tmp to dest, or appends it to dest when dest exists.
func install(tmp, dest string) error {
	_, err := os.Lstat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.Rename(tmp, dest)
	case err != nil:
		return err
	}
	if err := appendFile(dest, tmp); err != nil {
		return err
	}
	return os.Remove(tmp)
}

func appendFile(dest, src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := out.Close(); err == nil {
			err = closeErr
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("append to %s: %w", dest, err)
	}
	return out.Sync()
}

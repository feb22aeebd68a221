package integrity

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
)

// Modes of what extraction creates; Apply sets the final modes.
const (
	extractDirMode  fs.FileMode = 0o770
	extractFileMode fs.FileMode = 0o640
)

// ReadPackage extracts the package file at pkgPath into dest; see ReadPackageFrom.
func ReadPackage(pkgPath, dest string, maxTotal int64) (files map[string]string, metadataJSON []byte, err error) {
	f, err := os.Open(pkgPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open package: %w", err)
	}
	defer f.Close()
	return ReadPackageFrom(f, dest, maxTotal)
}

// ReadPackageFrom extracts a package (§5.3) read from r into dest, streaming: every member but
// files_metadata.json is decompressed to dest/<name> (folders created as needed, bodies
// decompressed on GOMAXPROCS goroutines); the metadata member's bytes are returned. It returns
// the extracted files by name (relative path → path on disk).
//
// It refuses, with an error and without writing outside dest: a malformed layout, a name that is
// not a clean relative path (checkRelPath) or is repeated, a body that is not exactly one valid
// zlib stream, a package without files_metadata.json, and decompressed data over maxTotal in
// total (Wazuh's max_zip_size; a *messages.WazuhError with code 3053). Files are created inside
// dest through an os.Root and never replace an existing entry, so a symbolic link in dest cannot
// redirect them. If dest did not exist it is created, and removed again on error; otherwise the
// caller removes it.
func ReadPackageFrom(r io.Reader, dest string, maxTotal int64) (files map[string]string, metadataJSON []byte, err error) {
	if maxTotal <= 0 {
		return nil, nil, fmt.Errorf("%w: %d", ErrInvalidLimit, maxTotal)
	}
	created, err := ensureDir(dest)
	if err != nil {
		return nil, nil, err
	}
	if created {
		defer func() {
			if err != nil {
				_ = os.RemoveAll(dest)
			}
		}()
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return nil, nil, fmt.Errorf("open extraction folder: %w", err)
	}
	defer root.Close()

	x := newExtraction(root, dest, maxTotal)
	br := packageReaders.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		packageReaders.Put(br)
	}()
	if head, _ := br.Peek(len(framedMagic)); string(head) == framedMagic {
		_, _ = br.Discard(len(framedMagic))
		x.framed = true
	}
	if err := x.run(br, runtime.GOMAXPROCS(0)); err != nil {
		return nil, nil, err
	}
	if !x.sawMeta {
		return nil, nil, ErrNoMetadata
	}
	return x.files, x.metadata, nil
}

// packageReaders are the read buffers of ReadPackageFrom. A master reads every worker's
// integrity metadata this way every cycle, 25 workers a few times a minute: a buffer of its own
// for each read was an eighth of what a master at rest allocated.
var packageReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 256<<10) }}

// ensureDir creates dir if it is missing and reports whether it did. An existing dir must be a
// folder, not a symbolic link to one.
func ensureDir(dir string) (created bool, err error) {
	if fi, err := os.Lstat(dir); err == nil {
		if !fi.IsDir() {
			return false, fmt.Errorf("extraction folder %s: not a folder", dir)
		}
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("extraction folder: %w", err)
	}
	if err := os.MkdirAll(dir, extractDirMode); err != nil {
		return false, fmt.Errorf("create extraction folder: %w", err)
	}
	return true, nil
}

// scanPackage calls visit for each member in order, with the member's compressed body, and
// checks that visit read the body exactly to its end.
func scanPackage(r io.Reader, visit func(name string, body byteSource) error) error {
	s := newPackageScanner(r)
	defer s.release()
	for {
		name, done, err := s.next()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if err := visit(name, s); err != nil {
			return err
		}
		if _, err := s.ReadByte(); err != io.EOF {
			if err != nil {
				return err
			}
			return fmt.Errorf("%w: %s: data after the end of the zlib stream", ErrCorruptMember, quotePath(name))
		}
	}
}

//go:build !unix

package integrity

import (
	"errors"
	"os"
)

// moveInto is not available here; the caller copies instead.
func moveInto(root *os.Root, src, inner string) error {
	return errors.New("move not supported on this platform")
}

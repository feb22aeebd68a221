package actors

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// sendPackageFile sends the package file at home/rel; see sendPackage.
func sendPackageFile(ctx context.Context, r wire.Requester, home, rel, endCommand, taskID string, interrupted func() bool) (int64, error) {
	f, err := os.Open(filepath.Join(home, rel))
	if err != nil {
		return 0, fmt.Errorf("open package: %w", err)
	}
	defer f.Close()
	return sendPackage(ctx, r, f, rel, endCommand, taskID, 1, interrupted)
}

// sendPackage sends the package read from src to the peer as the file home/rel with the file
// sub-protocol and then announces it with "<endCommand> <taskID> <rel>" (§3.2, §5.6).
// interrupted reports a cancel_task from the peer. It returns the bytes sent. A read error from
// src ends the transfer before file_end, so the peer never takes a partial package for a whole
// one. window is how many file_upd pieces may be in flight at once (wire.SendFileWindow).
func sendPackage(ctx context.Context, r wire.Requester, src io.Reader, rel, endCommand, taskID string, window int,
	interrupted func() bool,
) (int64, error) {
	sent, err := wire.SendFileWindow(ctx, r, "/"+rel, src, wire.RequestChunk, window, interrupted)
	if err != nil {
		return sent, fmt.Errorf("send package: %w", err)
	}
	resp, err := r.Request(ctx, endCommand, []byte(taskID+" "+rel))
	if err != nil {
		return sent, fmt.Errorf("%s: %w", endCommand, err)
	}
	if resp.Command == "err" {
		return sent, fmt.Errorf("%s refused: %s", endCommand, messages.ClipForLog(string(resp.Payload)))
	}
	return sent, nil
}

// packagePath checks a package path announced by a peer ("queue/cluster/<worker>/<file>.zip",
// relative to home) and returns it cleaned: it must stay inside that worker's queue folder.
func packagePath(home, worker, rel string) (string, error) {
	clean := filepath.Clean(rel)
	want := filepath.Join("queue", "cluster", worker) + string(filepath.Separator)
	if filepath.IsAbs(clean) || !strings.HasPrefix(clean, want) || strings.ContainsRune(clean, 0) {
		return "", fmt.Errorf("package path %q is outside %s", rel, want)
	}
	return clean, nil
}

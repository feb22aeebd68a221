// Command agent_groups manages agent groups on any node of a clusterd cluster: -l, -l -g G, -a -g G, -a -i ID -g G [-f], -r -i ID -g G, -r -g G, -s -i ID.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/clusterd/clusterd/node/tool/control"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := control.RunAgentGroups(ctx, filepath.Base(os.Args[0]), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

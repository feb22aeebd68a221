// Command cluster_control is Wazuh's cluster_control for clusterd nodes: the same options
// (-l, -a, -i [more], -fn, -fs, -d, -u, -h), the same output to the character and the same exit
// statuses as Wazuh 4.14.7. It talks to the node through queue/cluster/c-internal.sock under
// the installation directory, /var/ossec unless --home DIR says otherwise.
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
	code := control.Run(ctx, filepath.Base(os.Args[0]), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Command cluster_control is Wazuh's cluster_control for clusterd nodes: the same options
// (-l, -a, -i [more], -fn, -fs, -d, -u, -h), the same output to the character and the same exit
// statuses as Wazuh 4.14.7. It talks to the node through queue/cluster/c-internal.sock under
// the installation directory: --home DIR, else the folder above bin/ when it runs from an
// install's bin/ (as Wazuh's cluster_control does), else /var/ossec.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/clusterd/clusterd/node/process"
	"github.com/clusterd/clusterd/node/tool/control"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A --home given on the command line comes later and wins, as argparse keeps the last.
	args := append([]string{"--home", process.DefaultHome(os.Args[0])}, os.Args[1:]...)
	code := control.Run(ctx, filepath.Base(os.Args[0]), args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

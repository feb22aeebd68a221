// Package control is the client side of the local cluster socket
// (queue/cluster/c-internal.sock) and the engine of the cluster_control command, reproducing
// Wazuh 4.14.7 framework/scripts/cluster_control.py and framework/wazuh/core/cluster/control.py:
// the same arguments, the same requests to the node, and the same output to the character.
//
// Client speaks the local protocol: plaintext frames, no hello, one connection per request. It
// follows the worker relay (a worker answers "Sent request to master node" and later sends the
// master's answer back as a control_res request), the long-string sub-protocol used by DAPI
// answers, and turns err replies into *messages.WazuhError values carrying Wazuh's error text
// (TextError when the node answered with plain text).
//
// FormatTable, FormatNodes, FormatAgents and FormatHealth render what cluster_control prints;
// ParseArgs is a small re-implementation of the argparse behaviour cluster_control relies on
// (options taking several values, an optional value for -i, a mutually exclusive group), and Run
// ties everything together for cmd/cluster_control.
package control

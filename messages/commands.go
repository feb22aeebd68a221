package messages

import "strings"

// Commands common to both ends of a cluster connection (§9.1).
const (
	CmdEcho       = "echo"        // generic echo, answered with ok and the same payload
	CmdNewStr     = "new_str"     // announces a long string of the given decimal length
	CmdStrUpd     = "str_upd"     // carries one piece of a long string: "<id> <bytes>"
	CmdErrStr     = "err_str"     // reports a long string that could not be sent
	CmdNewFile    = "new_file"    // opens a file transfer under queue/cluster
	CmdFileUpd    = "file_upd"    // carries one piece of a file: "<path> <bytes>"
	CmdFileEnd    = "file_end"    // closes a file transfer with its SHA-256
	CmdCancelTask = "cancel_task" // cancels a task on the peer: "<task id> <JSON exception>"
	CmdDapiErr    = "dapi_err"    // relays a DAPI failure: "<request id> <text>"
)

// Commands a worker sends to the master (§9.2).
const (
	CmdHello     = "hello"       // the worker's handshake: "<name> <cluster> <type> <version>"
	CmdEchoC     = "echo-c"      // the worker's keepalive
	CmdSynIWMP   = "syn_i_w_m_p" // asks permission for an integrity check
	CmdSynAWMP   = "syn_a_w_m_p" // asks permission for an agent-info sync
	CmdSynIWM    = "syn_i_w_m"   // starts an integrity check (the master answers a task id)
	CmdSynIWME   = "syn_i_w_m_e" // announces the integrity package: "<task id> <path>"
	CmdSynIWMR   = "syn_i_w_m_r" // reports an integrity failure: "<task id> <JSON exception>"
	CmdSynEWM    = "syn_e_w_m"   // starts the legacy extra-valid transfer
	CmdSynEWME   = "syn_e_w_m_e" // announces the legacy extra-valid package
	CmdSynAWM    = "syn_a_w_m"   // hands over the agent-info string: "<string id>"
	CmdSynWGE    = "syn_w_g_e"   // agent-groups result (periodic)
	CmdSynWGCE   = "syn_wgc_e"   // agent-groups result (full)
	CmdSynWGErr  = "syn_w_g_err" // agent-groups failure text (periodic)
	CmdSynWGCErr = "syn_wgc_err" // agent-groups failure text (full)
	CmdSynWGC    = "syn_w_g_c"   // asks the master for a full agent-groups sync
	CmdDapi      = "dapi"        // a distributed API request
	CmdDapiRes   = "dapi_res"    // names a DAPI result string: "<request id> <string id>"
	CmdGetNodes  = "get_nodes"   // lists the cluster nodes
	CmdGetHealth = "get_health"  // reports the cluster health
	CmdSendSync  = "sendsync"    // relays a daemon request to a master daemon
)

// Commands the master sends to a worker (§9.3).
const (
	CmdSynMCOK    = "syn_m_c_ok"  // integrity is equal, nothing to sync
	CmdSynMC      = "syn_m_c"     // starts an integrity sync towards the worker
	CmdSynMCE     = "syn_m_c_e"   // announces the integrity sync package
	CmdSynMCR     = "syn_m_c_r"   // reports an integrity sync failure
	CmdSynMAE     = "syn_m_a_e"   // agent-info result
	CmdSynMAErr   = "syn_m_a_err" // agent-info failure text
	CmdSynGMW     = "syn_g_m_w"   // hands over an agent-groups string (periodic)
	CmdSynGMWC    = "syn_g_m_w_c" // hands over an agent-groups string (full)
	CmdSendSynRes = "sendsyn_res" // names a sendsync answer string: "<client> <string id>"
	CmdSendSynErr = "sendsyn_err" // relays a sendsync failure: "<client> <text>"
	CmdEchoM      = "echo-m"      // the master's echo to a worker
)

// Commands of the local Unix socket only (§9.4): client requests, then the server's requests
// back to a waiting client.
const (
	CmdGetConfig   = "get_config"  // returns the cluster configuration
	CmdGetHash     = "get_hash"    // returns the ruleset hashes
	CmdDapiFwd     = "dapi_fwd"    // forwards a DAPI request to a named node
	CmdSendFile    = "send_file"   // sends a file to a node (broken in Wazuh 4.14.7)
	CmdSendAsync   = "sendasync"   // sendsync without waiting for the answer
	CmdSendRReload = "sendrreload" // sets the worker's reload-ruleset flag
	CmdSendFRes    = "send_f_res"  // delivers a send_file result to the local client
	CmdControlRes  = "control_res" // delivers a get_nodes/get_health answer to the local client
)

// Reply commands (§1.3). CmdOKM and CmdOKNewFile keep the trailing space Wazuh sends, which
// pads into a double space in the header; receivers parse them as "ok-m" and "ok".
const (
	CmdOK        = "ok"    // success
	CmdErr       = "err"   // failure, normally with a JSON exception
	CmdOKM       = "ok-m " // answer to echo-c
	CmdOKC       = "ok-c"  // answer to echo-m
	CmdOKNewFile = "ok "   // answer to new_file
	CmdError     = "error" // answer to an oversized new_str (sic, not err)
)

// MaxCommandLen is the longest command name that fits the 12-byte header field with its
// separator (longer names are error 3024).
const MaxCommandLen = 11

// Direction says who sends a command and on which transport; a command used in several places
// has several bits set.
type Direction uint8

// Directions a command can travel.
const (
	WorkerToMaster Direction = 1 << iota // on the TCP connection, from the worker
	MasterToWorker                       // on the TCP connection, from the master
	Local                                // on the local Unix socket (either way)
	Common         = WorkerToMaster | MasterToWorker
)

// Has reports whether every bit of x is set in d.
func (d Direction) Has(x Direction) bool { return d&x == x }

// String lists the set directions, e.g. "worker->master|local".
func (d Direction) String() string {
	var parts []string
	if d.Has(WorkerToMaster) {
		parts = append(parts, "worker->master")
	}
	if d.Has(MasterToWorker) {
		parts = append(parts, "master->worker")
	}
	if d.Has(Local) {
		parts = append(parts, "local")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// CommandInfo documents one protocol command.
type CommandInfo struct {
	Name      string    // as it appears in Frame.Command (no padding, no trailing space)
	Direction Direction // where it may travel
	Reply     string    // what the receiver answers, for documentation
	Response  bool      // a reply command (ok, err, …) rather than a request
}

// LookupCommand returns the registry entry of a command name; trailing spaces are ignored, so
// CmdOKM and CmdOKNewFile resolve to "ok-m" and "ok".
func LookupCommand(name string) (CommandInfo, bool) {
	info, ok := Commands[strings.TrimRight(name, " ")]
	return info, ok
}

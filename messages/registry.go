package messages

// Commands is the registry of every command of §9, keyed by the name a receiver parses. Treat
// it as read-only.
var Commands = map[string]CommandInfo{}

func init() {
	for _, c := range commandTable {
		Commands[c.Name] = c
	}
}

var commandTable = []CommandInfo{
	// §9.1 common; dapi_err is also what a worker's local server sends its local client.
	{Name: CmdEcho, Direction: Common, Reply: "ok + same payload"},
	{Name: CmdNewStr, Direction: Common | Local, Reply: "ok + string id; error if size > 256 MiB"},
	{Name: CmdStrUpd, Direction: Common | Local, Reply: "ok String updated"},
	{Name: CmdErrStr, Direction: Common, Reply: "ok + removed string id, or ok None"},
	{Name: CmdNewFile, Direction: Common, Reply: "ok  Ready to receive new file; err Write path not allowed"},
	{Name: CmdFileUpd, Direction: Common, Reply: "ok File updated"},
	{Name: CmdFileEnd, Direction: Common, Reply: "ok File received correctly; err File wasn't correctly received. Checksums aren't equal."},
	{Name: CmdCancelTask, Direction: Common, Reply: "ok Request received correctly"},
	{Name: CmdDapiErr, Direction: Common | Local, Reply: "ok DAPI error forwarded to worker; err 3032 for an unknown client"},

	// §9.2 worker -> master; several are also local-socket requests (§9.4).
	{Name: CmdHello, Direction: WorkerToMaster, Reply: "ok Client <name> added; err 3060/3028/3029/3030/3031/1000"},
	{Name: CmdEchoC, Direction: WorkerToMaster | Local, Reply: "ok-m  + same payload"},
	{Name: CmdSynIWMP, Direction: WorkerToMaster, Reply: "ok True/False"},
	{Name: CmdSynAWMP, Direction: WorkerToMaster, Reply: "ok True/False"},
	{Name: CmdSynIWM, Direction: WorkerToMaster, Reply: "ok <task uuid>"},
	{Name: CmdSynIWME, Direction: WorkerToMaster, Reply: "ok File correctly received; err 3027"},
	{Name: CmdSynIWMR, Direction: WorkerToMaster, Reply: "ok Error received"},
	{Name: CmdSynEWM, Direction: WorkerToMaster, Reply: "ok <task uuid> (legacy extra-valid)"},
	{Name: CmdSynEWME, Direction: WorkerToMaster, Reply: "ok File correctly received (legacy extra-valid)"},
	{Name: CmdSynAWM, Direction: WorkerToMaster, Reply: "ok <string id>"},
	{Name: CmdSynWGE, Direction: WorkerToMaster, Reply: "ok Thanks"},
	{Name: CmdSynWGCE, Direction: WorkerToMaster, Reply: "ok Thanks"},
	{Name: CmdSynWGErr, Direction: WorkerToMaster, Reply: "ok Thanks"},
	{Name: CmdSynWGCErr, Direction: WorkerToMaster, Reply: "ok Thanks"},
	{Name: CmdSynWGC, Direction: WorkerToMaster, Reply: "ok <task description>"},
	{Name: CmdDapi, Direction: Common | Local, Reply: "ok Added request to API requests queue"},
	{Name: CmdDapiRes, Direction: Common | Local, Reply: "ok Forwarded response / Response forwarded to worker / Distributed api response received; err 3032"},
	{Name: CmdGetNodes, Direction: WorkerToMaster | Local, Reply: "ok + nodes JSON (worker's local server: ok Sent request to master node)"},
	{Name: CmdGetHealth, Direction: WorkerToMaster | Local, Reply: "ok + health JSON (worker's local server: ok Sent request to master node)"},
	{Name: CmdSendSync, Direction: WorkerToMaster | Local, Reply: "ok Added request to SendSync requests queue (no reply on a worker's local socket)"},

	// §9.3 master -> worker.
	{Name: CmdSynMCOK, Direction: MasterToWorker, Reply: "ok Thanks"},
	{Name: CmdSynMC, Direction: MasterToWorker, Reply: "ok <task uuid>"},
	{Name: CmdSynMCE, Direction: MasterToWorker, Reply: "ok File correctly received"},
	{Name: CmdSynMCR, Direction: MasterToWorker, Reply: "ok Error received"},
	{Name: CmdSynMAE, Direction: MasterToWorker, Reply: "ok Thanks"},
	{Name: CmdSynMAErr, Direction: MasterToWorker, Reply: "ok Thanks"},
	{Name: CmdSynGMW, Direction: MasterToWorker, Reply: "ok <string id>"},
	{Name: CmdSynGMWC, Direction: MasterToWorker, Reply: "ok <string id>"},
	{Name: CmdSendSynRes, Direction: MasterToWorker, Reply: "ok Response forwarded to worker"},
	{Name: CmdSendSynErr, Direction: MasterToWorker, Reply: "ok SendSync error forwarded to worker"},
	{Name: CmdEchoM, Direction: MasterToWorker, Reply: "ok-c + same payload"},

	// §9.4 local socket only.
	{Name: CmdGetConfig, Direction: Local, Reply: "ok + cluster configuration JSON"},
	{Name: CmdGetHash, Direction: Local, Reply: "ok + {relative path: blake2b} JSON"},
	{Name: CmdDapiFwd, Direction: Local, Reply: "ok Request forwarded to worker node; err 3022"},
	{Name: CmdSendFile, Direction: Local, Reply: "ok Forwarding file to master node"},
	{Name: CmdSendAsync, Direction: Local, Reply: "ok Added request to sendsync requests queue"},
	{Name: CmdSendRReload, Direction: Local, Reply: `ok {"success": true}`},
	{Name: CmdSendFRes, Direction: Local, Reply: "ok Distributed api response received"},
	{Name: CmdControlRes, Direction: Local, Reply: "ok Response received"},

	// §1.3 replies; ok and err are also requests a worker's local server sends a C client.
	{Name: CmdOK, Direction: Common | Local, Reply: "ok Sendsync response received (as a local request)", Response: true},
	{Name: CmdErr, Direction: Common | Local, Reply: "ok Error response received (as a local request)", Response: true},
	{Name: "ok-m", Direction: MasterToWorker | Local, Reply: "none (reply to echo-c)", Response: true},
	{Name: CmdOKC, Direction: WorkerToMaster, Reply: "none (reply to echo-m)", Response: true},
	{Name: CmdError, Direction: Common, Reply: "none (reply to an oversized new_str)", Response: true},
}

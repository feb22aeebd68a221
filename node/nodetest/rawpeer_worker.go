package nodetest

import (
	"math/rand/v2"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// WazuhWorkerReply is the answer a Wazuh 4.14.7 worker gives its master's request, for
// RawPeer.AnswerWith (§9.1 and §9.3): what the reply says, not what the worker then does.
// A new string gets a random id, as Wazuh's receive_str picks one; a command the table does not
// name is answered with a bare ok.
func WazuhWorkerReply(req messages.Frame) messages.Frame {
	ok := func(payload string) messages.Frame {
		return messages.Frame{Counter: req.Counter, Command: messages.CmdOK, Payload: []byte(payload)}
	}
	switch req.Command {
	case messages.CmdEchoM:
		return messages.Frame{Counter: req.Counter, Command: messages.CmdOKC, Payload: req.Payload}
	case messages.CmdEcho:
		return ok(string(req.Payload))
	case messages.CmdNewStr:
		return ok(strconv.FormatUint(uint64(rand.Uint32()), 10))
	case messages.CmdStrUpd:
		return ok("String updated")
	case messages.CmdErrStr:
		return ok("None")
	case messages.CmdSynGMW, messages.CmdSynGMWC:
		return ok(string(req.Payload)) // the string id, echoed
	case messages.CmdSynMCOK, messages.CmdSynMAE, messages.CmdSynMAErr:
		return ok("Thanks")
	case messages.CmdSynMCE:
		return ok("File correctly received")
	case messages.CmdSynMCR:
		return ok("Error received")
	case messages.CmdDapi:
		return ok("Added request to API requests queue")
	case messages.CmdDapiRes, messages.CmdSendSynRes:
		return ok("Response forwarded to worker")
	case messages.CmdSendSynErr:
		return ok("SendSync error forwarded to worker")
	case messages.CmdCancelTask:
		return ok("Request received correctly")
	}
	return ok("")
}

package messages

// Fixed reply payloads Wazuh sends (§3, §9), byte for byte.
const (
	ReplyStringUpdated         = "String updated"
	ReplyReadyForFile          = "Ready to receive new file"
	ReplyWritePathNotAllowed   = "Write path not allowed"
	ReplyFileUpdated           = "File updated"
	ReplyFileReceived          = "File received correctly"
	ReplyChecksumMismatch      = "File wasn't correctly received. Checksums aren't equal."
	ReplyFileCorrectlyReceived = "File correctly received"
	ReplyCancelReceived        = "Request received correctly"
	ReplyErrorReceived         = "Error received"
	ReplyThanks                = "Thanks"
	ReplyDapiErrorForwarded    = "DAPI error forwarded to worker"
	ReplyDapiQueued            = "Added request to API requests queue"
	ReplyDapiForwarded         = "Forwarded response"
	ReplyForwardedToWorker     = "Response forwarded to worker"
	ReplySendSyncQueued        = "Added request to SendSync requests queue"
	ReplySendSyncErrForwarded  = "SendSync error forwarded to worker"
	ReplySentToMaster          = "Sent request to master node"
	ReplyForwardedToNode       = "Request forwarded to worker node"
	ReplyForwardingFile        = "Forwarding file to master node"
	ReplySendAsyncQueued       = "Added request to sendsync requests queue"
	ReplyReloadFlagSet         = `{"success": true}`
	ReplyStringTooLarge        = "Requested size exceeds maximum allowed limit"
	ReplyNoString              = "None"
	ReplyTrue                  = "True"
	ReplyFalse                 = "False"

	// Answers a local client gives to the requests its local server sends it.
	ReplyDapiResponseReceived = "Distributed api response received"
	ReplyResponseReceived     = "Response received"
	ReplySendSyncReceived     = "Sendsync response received"
	ReplyErrorResponse        = "Error response received"
)

// Prefixes the Python requester puts before a reply it maps to text (§1.3); the "Unkown" typo
// is Wazuh's.
const (
	PrefixOKMaster      = "Successful response from master: "
	PrefixOKClient      = "Successful response from client: "
	PrefixUnknownResult = "Unkown response command received: "
)

// HelloAccepted is the payload of the `ok` answering a successful hello.
func HelloAccepted(name string) []byte {
	return []byte("Client " + name + " added")
}

// UnknownCommand is the plain-text payload of the `err` Wazuh answers to an unknown request,
// the command shown as a Python bytes repr; for the command foo it is:
//
//	unknown command 'b'foo''
func UnknownCommand(command string) []byte {
	return []byte("unknown command '" + PyBytesRepr([]byte(command)) + "'")
}

// PermissionReply is the payload answering a `_p` permission request: Python's str(bool).
func PermissionReply(granted bool) []byte {
	if granted {
		return []byte(ReplyTrue)
	}
	return []byte(ReplyFalse)
}

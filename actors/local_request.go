package actors

import (
	"fmt"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// localDapi is a local client's DAPI request as the local server reads it (DAPI §1.3): dapi
// carries the request JSON, dapi_fwd "<node> <json>" the worker it goes to as well.
type localDapi struct {
	node string // dapi_fwd: the worker
	body []byte // the DAPI request JSON, as the client sent it
}

// parseLocalDapi reads the payload of a local dapi or dapi_fwd, client being the connection's
// name: the request, or the exception to answer at once. dapi is checked as Wazuh's queue
// decodes it ("<client> <json>" as UTF-8) and bounded (3050); dapi_fwd is split as Wazuh's
// local server splits it, its node name decoded, its request bounded — the worker decodes the
// rest.
func parseLocalDapi(command string, payload []byte, client string) (localDapi, *messages.WazuhError) {
	switch command {
	case messages.CmdDapi:
		if werr := dapi.Admit(payload, len(client)+1); werr != nil {
			return localDapi{}, werr
		}
		return localDapi{body: payload}, nil
	case messages.CmdDapiFwd:
		node, body, ok := messages.SplitFirst(payload)
		if !ok {
			return localDapi{}, messages.ErrInternal.With("not enough values to unpack (expected 2, got 1)")
		}
		if text := messages.PyUTF8Error(node, 0); text != "" {
			return localDapi{}, messages.ErrInternal.With(text)
		}
		if len(body) > dapi.MaxRequestSize {
			return localDapi{}, messages.ErrPayloadTooLarge.With(fmt.Sprintf("DAPI request of %d bytes", len(body)))
		}
		return localDapi{node: string(node), body: body}, nil
	}
	return localDapi{}, messages.ErrInternal.With("not a DAPI command: " + messages.ClipForLog(command))
}

package messages

// DapiRequest is a `dapi` payload between nodes: "<origin> <DAPI JSON>", where origin is the
// worker's local client name (worker to master) or the master's request id (master to worker)
// (§9.2, §9.3). Body is the DAPI request JSON, kept as received.
type DapiRequest struct {
	Origin string
	Body   []byte
}

// ParseDapiRequest splits a "<origin> <json>" payload.
func ParseDapiRequest(p []byte) (DapiRequest, error) {
	origin, body, err := splitPair(p)
	if err != nil {
		return DapiRequest{}, err
	}
	return DapiRequest{Origin: string(origin), Body: body}, nil
}

// Encode builds the "<origin> <json>" payload.
func (d DapiRequest) Encode() []byte { return joinPair(d.Origin, d.Body) }

// DapiResult is a `dapi_res` payload: "<request id or local client name> <string id>", the
// string id naming a result already sent with new_str/str_upd (§12.4).
type DapiResult struct {
	RequestID string
	StringID  string
}

// ParseDapiResult splits a "<request id> <string id>" payload.
func ParseDapiResult(p []byte) (DapiResult, error) {
	id, ref, err := splitPair(p)
	if err != nil {
		return DapiResult{}, err
	}
	return DapiResult{RequestID: string(id), StringID: string(ref)}, nil
}

// Encode builds the "<request id> <string id>" payload.
func (d DapiResult) Encode() []byte { return joinPair(d.RequestID, []byte(d.StringID)) }

// DapiError is a `dapi_err` payload: "<request id or local client name> <error text>", the text
// being Python's str() of the exception, not JSON (§12.4).
type DapiError struct {
	RequestID string
	Text      string
}

// ParseDapiError splits a "<request id> <text>" payload.
func ParseDapiError(p []byte) (DapiError, error) {
	id, text, err := splitPair(p)
	if err != nil {
		return DapiError{}, err
	}
	return DapiError{RequestID: string(id), Text: string(text)}, nil
}

// Encode builds the "<request id> <text>" payload.
func (d DapiError) Encode() []byte { return joinPair(d.RequestID, []byte(d.Text)) }

package messages

// NoTaskID is what a sender writes instead of a task id it does not have (Python's str(None)).
const NoTaskID = "None"

// TaskFile announces a received file to the task waiting for it: the payload of syn_i_w_m_e,
// syn_e_w_m_e and syn_m_c_e, "<task id> <path relative to WAZUH_HOME>" (§3.2 step 5).
type TaskFile struct {
	TaskID string
	Path   string
}

// ParseTaskFile splits a "<task id> <path>" payload.
func ParseTaskFile(p []byte) (TaskFile, error) {
	id, path, err := splitPair(p)
	if err != nil {
		return TaskFile{}, err
	}
	return TaskFile{TaskID: string(id), Path: string(path)}, nil
}

// Encode builds the "<task id> <path>" payload.
func (t TaskFile) Encode() []byte {
	return joinPair(t.TaskID, []byte(t.Path))
}

// TaskError reports a failed task to its peer: the payload of syn_i_w_m_r, syn_m_c_r and
// cancel_task, "<task id or None> <JSON exception>" (§3.3, §3.4). Raw keeps the error part as
// received; Err is set when it decodes as a Wazuh exception.
type TaskError struct {
	TaskID string
	Err    *WazuhError
	Raw    []byte
}

// ParseTaskError splits a "<task id> <error>" payload and decodes the error when it is a Wazuh
// exception; an undecodable error is kept in Raw only, since Wazuh merely logs it.
func ParseTaskError(p []byte) (TaskError, error) {
	id, rest, err := splitPair(p)
	if err != nil {
		return TaskError{}, err
	}
	t := TaskError{TaskID: string(id), Raw: rest}
	if e, err := DecodeException(rest); err == nil {
		t.Err = e
	}
	return t, nil
}

// HasTaskID reports whether the payload named a task (not "None").
func (t TaskError) HasTaskID() bool {
	return t.TaskID != "" && t.TaskID != NoTaskID
}

// Encode builds the payload, writing NoTaskID for an empty TaskID and the encoded Err when set
// (Raw otherwise).
func (t TaskError) Encode() []byte {
	id := t.TaskID
	if id == "" {
		id = NoTaskID
	}
	if t.Err != nil {
		return joinPair(id, EncodeException(t.Err))
	}
	return joinPair(id, t.Raw)
}

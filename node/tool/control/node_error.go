package control

import (
	"bytes"
	"regexp"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// TextError is an error a node reported as plain text rather than as a JSON-encoded Wazuh
// exception: a relayed "Error: ..." line, an unknown-command answer, a long string that could
// not be found. cluster_control prints its text as is.
type TextError string

func (e TextError) Error() string { return string(e) }

// renderedError matches the text of str(WazuhException), "Error <code> - <message>", the form
// errors relayed through a worker often arrive in.
var renderedError = regexp.MustCompile(`(?s)^Error ([0-9]{1,6}) - (.*)$`)

// nodeError turns the payload of an err reply, or an error relayed as an answer, into the error
// Wazuh's local client raises: a JSON-encoded exception is decoded, an already rendered one
// keeps its code and text, and anything else becomes a TextError.
func nodeError(payload []byte) error {
	if we, err := messages.DecodeException(payload); err == nil {
		return we
	}
	if m := renderedError.FindSubmatch(payload); m != nil {
		if code, err := strconv.Atoi(string(m[1])); err == nil && code > 0 {
			// cmd_error keeps the message exactly as rendered instead of looking the code up.
			we := messages.NewException(messages.ClassWazuhException, code, string(m[2]))
			we.CmdError = true
			return we
		}
	}
	return TextError(payload)
}

var exceptionKey = []byte(`"__wazuh_exception__"`)

// answerException is the exception a node sent as its answer, which control.py raises when
// json.loads(..., object_hook=as_wazuh_object) yields one instead of a document.
func answerException(payload []byte) (*messages.WazuhError, bool) {
	// Only a document holding the exception key decodes to one: a 5 MB agents listing is not
	// read twice to find that out. (The key could be spelled with \u escapes: a document
	// with any escape is read.)
	if !bytes.Contains(payload, exceptionKey) && !bytes.Contains(payload, []byte(`\u`)) {
		return nil, false
	}
	we, err := messages.DecodeException(payload)
	return we, err == nil
}

package messages

import "errors"

var (
	// ErrInvalidJSON reports a payload that is not one well-formed JSON document.
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrJSONTooDeep refuses JSON nested deeper than Python's json module would accept.
	ErrJSONTooDeep = errors.New("JSON nesting too deep")
	// ErrTrailingData reports bytes after the end of a JSON document.
	ErrTrailingData = errors.New("trailing data after JSON document")
	// ErrNotException reports a payload that is valid JSON but not a Wazuh exception object.
	ErrNotException = errors.New("not a Wazuh exception")
	// ErrUnknownExceptionClass reports an exception class Wazuh's exception module does not define.
	ErrUnknownExceptionClass = errors.New("unknown Wazuh exception class")
	// ErrMalformedObject reports a Wazuh JSON object (__wazuh_exception__, __callable__, …) that
	// lacks a required member or has one of the wrong type.
	ErrMalformedObject = errors.New("malformed Wazuh object")
	// ErrMalformedPayload reports a payload whose JSON shape does not match the command.
	ErrMalformedPayload = errors.New("malformed payload")
)

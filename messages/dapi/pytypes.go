package dapi

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// Python's names for the types of decoded values, as its error messages print them.

// pyClassName is type(v).__name__: "str", "int", "NoneType", "datetime", "WazuhError".
func pyClassName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	case int, int64:
		return "int"
	case float64:
		return "float"
	case []any, []string:
		return "list"
	case messages.Object:
		return "dict"
	case time.Time:
		return "datetime"
	case Function:
		if x.Type != "" {
			return x.Type
		}
		return "function"
	case *messages.WazuhError:
		return x.Class
	case *WazuhResult:
		return classWazuhResult
	case *AffectedItems:
		return classAffectedItems
	}
	return "object"
}

// pyTypeTitle is the type's tp_name, which AttributeError and TypeError messages print: the
// class name, module-qualified for the types of C modules ("datetime.datetime").
func pyTypeTitle(v any) string {
	if _, ok := v.(time.Time); ok {
		return "datetime.datetime"
	}
	return pyClassName(v)
}

// pyClassRepr is repr(type(v)): "<class 'list'>", "<class 'wazuh.core.exception.WazuhError'>".
func pyClassRepr(v any) string {
	name := pyTypeTitle(v)
	switch v.(type) {
	case *messages.WazuhError:
		name = "wazuh.core.exception." + name
	case *WazuhResult, *AffectedItems:
		name = "wazuh.core.results." + name
	}
	return "<class '" + name + "'>"
}

package messages

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestEveryCodeHasAClassAndAMessage(t *testing.T) {
	rows := ErrorCodes()
	if len(rows) == 0 {
		t.Fatal("empty table")
	}
	statuses := map[int]bool{http.StatusBadRequest: true, http.StatusForbidden: true, http.StatusNotFound: true,
		http.StatusNotAcceptable: true, http.StatusTooManyRequests: true, http.StatusInternalServerError: true}
	for i, row := range rows {
		if i > 0 && rows[i-1].Code >= row.Code {
			t.Errorf("rows out of order: %d before %d", rows[i-1].Code, row.Code)
		}
		if _, known := exceptionClasses[row.Class]; !known {
			t.Errorf("%d: unknown class %q", row.Code, row.Class)
		}
		if row.Message == "" || row.Title() == "" {
			t.Errorf("%d: message %q, title %q", row.Code, row.Message, row.Title())
		}
		if !statuses[row.HTTPStatus()] {
			t.Errorf("%d: HTTP status %d", row.Code, row.HTTPStatus())
		}
		if got, ok := LookupCode(row.Code); !ok || got.Message != row.Message {
			t.Errorf("LookupCode(%d) = %+v, %v", row.Code, got, ok)
		}
	}
	if _, ok := LookupCode(9999); ok {
		t.Error("LookupCode(9999) found a row")
	}
}

// The table covers every code the former catalogue held and every cluster code (3000–3099)
// that Wazuh 4.14.7's ERRORS table defines.
func TestTableCoversTheCataloguedAndClusterCodes(t *testing.T) {
	catalogued := []int{999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1010, 1011, 1012, 1013, 1014,
		1015, 1016, 1017, 1018, 1019, 1020, 1119, 1121, 1400, 1401, 1402, 1403, 1405, 1406, 1407, 1408, 1409,
		1410, 1411, 1412, 1701, 1703, 1707, 1710, 1722, 1723, 1724, 1728, 1730, 1734, 1737, 1745, 1751, 1752, 1913, 2000, 2003, 2004, 2005, 2006, 2007, 2009, 2010, 2011,
		2012, 2013, 2014, 2015, 2016, 2017, 4000}
	wazuhCluster := []int{3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3009, 3012, 3013, 3015, 3016,
		3018, 3019, 3020, 3021, 3022, 3023, 3024, 3025, 3026, 3027, 3028, 3029, 3030, 3031, 3032, 3034,
		3035, 3036, 3037, 3038, 3039, 3040, 3041, 3042, 3043, 3044, 3045, 3046, 3047, 3048, 3049, 3050,
		3051, 3052, 3053, 3060}
	for _, code := range append(catalogued, wazuhCluster...) {
		if _, ok := LookupCode(code); !ok {
			t.Errorf("code %d is not in the table", code)
		}
	}
}

func TestNamedValuesMatchAcrossWrapping(t *testing.T) {
	raised := ErrRequestTimeout.With("echo")
	wrapped := fmt.Errorf("keepalive: %w", fmt.Errorf("echo-c: %w", raised))
	if !errors.Is(wrapped, ErrRequestTimeout) {
		t.Errorf("%v does not match ErrRequestTimeout", wrapped)
	}
	if errors.Is(wrapped, ErrWorkerNotConnected) || errors.Is(wrapped, ErrAPITimeout) {
		t.Errorf("%v matches another code", wrapped)
	}
	joined := errors.Join(errors.New("master unreachable"), ErrWorkerNotConnected.New())
	if !errors.Is(joined, ErrWorkerNotConnected) {
		t.Errorf("%v does not match ErrWorkerNotConnected", joined)
	}
	// An exception decoded from a peer matches by code whatever class it was raised with.
	decoded, err := DecodeException(EncodeException(NewInternalError(3020, nil)))
	if err != nil || !errors.Is(fmt.Errorf("request: %w", decoded), ErrRequestTimeout) {
		t.Errorf("decoded 3020 (%v) does not match ErrRequestTimeout", err)
	}
	var we *WazuhError
	if !errors.As(wrapped, &we) || we != raised {
		t.Errorf("errors.As found %v, want the raised exception", we)
	}
}

func TestRaisingANamedValueLeavesItUntouched(t *testing.T) {
	e := ErrUnknownNode.With("worker9")
	e.IDs = []string{"worker9"}
	again := ErrUnknownNode.New()
	if e == ErrUnknownNode || again == ErrUnknownNode || again == e {
		t.Fatal("New and With must return fresh exceptions")
	}
	if ErrUnknownNode.ExtraMessage != nil || ErrUnknownNode.IDs != nil || again.ExtraMessage != nil {
		t.Errorf("named value changed: %#v", ErrUnknownNode)
	}
	if e.Class != ClassWazuhClusterError || e.Code != 3022 || e.Error() != "Error 3022 - Unknown node ID: worker9" {
		t.Errorf("ErrUnknownNode.With = %#v (%v)", e, e)
	}
}

// The named values encode as the exceptions captured from Wazuh, byte for byte.
func TestNamedValuesEncodeLikeWazuh(t *testing.T) {
	vectors := loadErrorPayloads(t)
	cases := map[string]*WazuhError{
		"3028_duplicate_worker_name":         ErrDuplicateWorkerName.With("worker1"),
		"3029_name_equals_master":            ErrWorkerNamedAsMaster.New(),
		"3030_cluster_name_mismatch":         ErrClusterNameMismatch.New(),
		"3031_version_mismatch":              ErrVersionMismatch.New(),
		"3060_invalid_node_name":             ErrInvalidNodeName.With("bad name!"),
		"3020_timeout_cluster_request":       ErrRequestTimeout.With("echo"),
		"1000_unhandled_error_from_dispatch": ErrInternal.With("boom"),
	}
	for name, e := range cases {
		want, ok := vectors[name]
		if !ok {
			t.Fatalf("no vector %q", name)
		}
		if got := string(EncodeException(e)); got != want.Payload {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.Payload)
		}
	}
}

func TestHTTPStatusFollowsTheClass(t *testing.T) {
	cases := []struct {
		e    *WazuhError
		want int
	}{
		{ErrInternal.New(), http.StatusInternalServerError},
		{ErrUnknownNode.New(), http.StatusInternalServerError},
		{ErrHAPConnect.New(), http.StatusInternalServerError},
		{ErrAgentSyncInfo.New(), http.StatusInternalServerError}, // the base class
		{ErrInvalidSortField.New(), http.StatusBadRequest},
		{ErrPermissionDenied.New(), http.StatusForbidden},
		{ErrNodeNotFound.New(), http.StatusNotFound},
		{NewException(ClassWazuhNotAcceptable, 6100, nil), http.StatusNotAcceptable},
		{NewException(ClassWazuhTooManyRequests, 6001, nil), http.StatusTooManyRequests},
		{NewException("KeyError", 1, nil), http.StatusInternalServerError},
		// A code raised with another class than the table's answers as its own class does.
		{NewError(3022, "worker9"), http.StatusBadRequest},
	}
	for _, c := range cases {
		if got := c.e.HTTPStatus(); got != c.want {
			t.Errorf("%s %d: status %d, want %d", c.e.Class, c.e.Code, got, c.want)
		}
	}
	if row, _ := LookupCode(1730); row.HTTPStatus() != http.StatusNotFound || row.Title() != "Resource Not Found" {
		t.Errorf("1730: %d %q", row.HTTPStatus(), row.Title())
	}
}

func TestRemediationFollowsWazuh(t *testing.T) {
	extra := "retry later"
	withExtra := func(e *WazuhError) *WazuhError { e.ExtraRemediation = &extra; return e }
	cases := []struct {
		name string
		e    *WazuhError
		want string
		ok   bool
	}{
		{"table text", ErrRequestTimeout.New(), "Please, try to make the request again", true},
		{"table text and extra", withExtra(ErrRequestTimeout.New()), "Please, try to make the request again: retry later", true},
		{"none in the table", ErrCluster.New(), "", false},
		{"extra without table text", withExtra(ErrCluster.New()), "None: retry later", true},
		{"empty table text", ErrDistributedAPI.New(), "", true},
		{"unknown code", NewInternalError(9999, nil), "", false},
		{"cmd_error", &WazuhError{Class: ClassWazuhError, Code: 1000, CmdError: true}, "", false},
	}
	for _, c := range cases {
		if got, ok := c.e.Remediation(); got != c.want || ok != c.ok {
			t.Errorf("%s: Remediation() = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

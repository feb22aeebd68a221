package messages

import (
	"errors"
	"testing"
)

func TestSplitFirst(t *testing.T) {
	head, rest, ok := SplitFirst([]byte("3054771209 a b c"))
	if !ok || string(head) != "3054771209" || string(rest) != "a b c" {
		t.Errorf("SplitFirst = %q, %q, %v", head, rest, ok)
	}
	if _, _, ok := SplitFirst([]byte("nospace")); ok {
		t.Error("SplitFirst found a space in nospace")
	}
}

func TestTaskFileOnCapturedPayloads(t *testing.T) {
	for _, cmd := range []string{CmdSynIWME, CmdSynMCE} {
		for _, p := range capturedPayloads(t, "live_capture_sample.jsonl", cmd) {
			tf, err := ParseTaskFile([]byte(p))
			if err != nil {
				t.Fatalf("ParseTaskFile(%q): %v", p, err)
			}
			if len(tf.TaskID) != 36 || tf.Path[:14] != "queue/cluster/" {
				t.Errorf("parsed %#v", tf)
			}
			if string(tf.Encode()) != p {
				t.Errorf("Encode() = %q, want %q", tf.Encode(), p)
			}
		}
	}
}

func TestSpacedPayloadsWithoutSpaceAreError1000(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"task file":   func(p []byte) error { _, err := ParseTaskFile(p); return err },
		"task error":  func(p []byte) error { _, err := ParseTaskError(p); return err },
		"dapi":        func(p []byte) error { _, err := ParseDapiRequest(p); return err },
		"dapi_res":    func(p []byte) error { _, err := ParseDapiResult(p); return err },
		"dapi_err":    func(p []byte) error { _, err := ParseDapiError(p); return err },
		"sendsync":    func(p []byte) error { _, err := ParseSendSync(p); return err },
		"sendsyn_res": func(p []byte) error { _, err := ParseSendSyncResult(p); return err },
		"sendsyn_err": func(p []byte) error { _, err := ParseSendSyncError(p); return err },
		"cd_ssres":    func(p []byte) error { _, err := ParseSendSyncAnswer(p); return err },
	}
	for name, parse := range parsers {
		var we *WazuhError
		err := parse([]byte("lonely"))
		if !errors.As(err, &we) || we.Error() != "Error 1000 - Wazuh Internal Error: not enough values to unpack (expected 2, got 1)" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestTaskErrorDecodesTheException(t *testing.T) {
	exc := NewClusterError(3039, nil)
	payload := "0659fcf0-e285-4c4a-90f3-5d07ede3cc38 " + string(EncodeException(exc))
	te, err := ParseTaskError([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	if !te.HasTaskID() || te.Err == nil || te.Err.Code != 3039 {
		t.Errorf("parsed %#v", te)
	}
	if string(te.Encode()) != payload {
		t.Errorf("Encode() = %s", te.Encode())
	}

	plain, err := ParseTaskError([]byte("None something went wrong"))
	if err != nil || plain.HasTaskID() || plain.Err != nil || string(plain.Raw) != "something went wrong" {
		t.Errorf("plain-text task error = %#v, %v", plain, err)
	}
	if got := string(TaskError{Raw: []byte("x")}.Encode()); got != "None x" {
		t.Errorf("Encode without task id = %q", got)
	}
}

func TestDapiPayloadsRoundTrip(t *testing.T) {
	req, err := ParseDapiRequest([]byte(`lc1 {"f": 1, "x": "a b"}`))
	if err != nil || req.Origin != "lc1" || string(req.Body) != `{"f": 1, "x": "a b"}` {
		t.Fatalf("dapi = %#v, %v", req, err)
	}
	if string(req.Encode()) != `lc1 {"f": 1, "x": "a b"}` {
		t.Errorf("dapi Encode = %s", req.Encode())
	}
	res, err := ParseDapiResult([]byte("6f1c 3054771209"))
	if err != nil || res != (DapiResult{RequestID: "6f1c", StringID: "3054771209"}) || string(res.Encode()) != "6f1c 3054771209" {
		t.Errorf("dapi_res = %#v, %v", res, err)
	}
	de, err := ParseDapiError([]byte("6f1c Error 3021 - Timeout executing API request"))
	if err != nil || de.Text != "Error 3021 - Timeout executing API request" || string(de.Encode()) != "6f1c Error 3021 - Timeout executing API request" {
		t.Errorf("dapi_err = %#v, %v", de, err)
	}
}

func TestSendSyncPayloads(t *testing.T) {
	// The local-socket body of the unencrypted frame vector of §2.
	body := `{"daemon_name":"authd","message":{"function":"remove","arguments":{"id":"001"}}}`
	s, err := ParseSendSyncBody([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if s.DaemonName != "authd" || string(s.Message) != `{"function":"remove","arguments":{"id":"001"}}` {
		t.Errorf("parsed %#v", s)
	}
	if string(s.EncodeBody()) != body {
		t.Errorf("EncodeBody() = %s", s.EncodeBody())
	}
	s.Client = "513"
	fwd, err := ParseSendSync(s.Encode())
	if err != nil || fwd.Client != "513" || string(fwd.EncodeBody()) != body {
		t.Errorf("forwarded form = %#v, %v", fwd, err)
	}
	spaced, err := ParseSendSyncBody([]byte(`{"message": {"a": [1, 2]}, "daemon_name": "remoted"}`))
	if err != nil || string(spaced.EncodeBody()) != `{"daemon_name":"remoted","message":{"a":[1,2]}}` {
		t.Errorf("spaced body = %s, %v", spaced.EncodeBody(), err)
	}
	for _, bad := range []string{`[]`, `null`, `{"message": 1}`, `{"daemon_name": 5, "message": 1}`, `{"daemon_name": null, "message": 1}`, `{"daemon_name": "authd"}`, `nope`} {
		if _, err := ParseSendSyncBody([]byte(bad)); !errors.Is(err, ErrMalformedPayload) {
			t.Errorf("ParseSendSyncBody(%s) err = %v", bad, err)
		}
	}
	res, err := ParseSendSyncResult([]byte("513 388585465"))
	if err != nil || res.StringID != "388585465" || string(res.Encode()) != "513 388585465" {
		t.Errorf("sendsyn_res = %#v, %v", res, err)
	}
	se, err := ParseSendSyncError([]byte("513 Error 1014 - Error communicating with socket"))
	if err != nil || se.Text != "Error 1014 - Error communicating with socket" || string(se.Encode()) != "513 Error 1014 - Error communicating with socket" {
		t.Errorf("sendsyn_err = %#v, %v", se, err)
	}
}

func TestControlResult(t *testing.T) {
	if !(ControlResult{Payload: []byte("Error 3023 - Worker node is not connected to master")}).IsError() {
		t.Error("error payload not recognised")
	}
	if (ControlResult{Payload: []byte(`{"items": [], "totalItems": 0}`)}).IsError() {
		t.Error("JSON payload taken for an error")
	}
}

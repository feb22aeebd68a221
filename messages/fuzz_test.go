package messages

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// reinterpreted reports whether a re-decoding failure comes from a decoded plain object whose
// re-encoded key happens to be one of Wazuh's special keys (an "__unhandled_exc__" whose class is
// "__wazuh_exception__", say): Python's round trip has the same ambiguity.
func reinterpreted(err error) bool {
	return errors.Is(err, ErrMalformedObject) || errors.Is(err, ErrUnknownExceptionClass)
}

func seedExceptions(f *testing.F) {
	for _, c := range loadErrorPayloads(f) {
		f.Add([]byte(c.Payload))
	}
	for _, fr := range loadCapture(f, "live_hello_rejections.jsonl") {
		if fr.Cmd == CmdErr {
			f.Add([]byte(fr.Plaintext))
		}
	}
	f.Add(EncodeException(&WazuhError{Class: ClassWazuhError, Code: 1017, ExtraMessage: Object{{Key: "node_name", Value: "m"}}, IDs: []string{"1"}}))
	f.Add([]byte(`{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"code": 1000, "extra_message": [1e5, {"__wazuh_datetime__": "2024-01-02T03:04:05.5"}], "cmd_error": null}}}`))
}

func FuzzDecodeException(f *testing.F) {
	seedExceptions(f)
	f.Fuzz(func(t *testing.T, p []byte) {
		e1, err := DecodeException(p)
		if err != nil {
			if ResponseError(p).Code != 3000 {
				t.Fatal("undecodable payload did not fall back to 3000")
			}
			return
		}
		b1 := EncodeException(e1)
		e2, err := DecodeException(b1)
		if err != nil {
			if !reinterpreted(err) {
				t.Fatalf("re-decoding %s: %v", b1, err)
			}
			return
		}
		if b2 := EncodeException(e2); !bytes.Equal(b1, b2) {
			t.Fatalf("encoding not stable:\n%s\n%s", b1, b2)
		}
		if e1.Error() != e2.Error() {
			t.Fatalf("text changed: %q vs %q", e1.Error(), e2.Error())
		}
	})
}

func FuzzDecodeObject(f *testing.F) {
	seedExceptions(f)
	f.Add([]byte(`{"f": {"__callable__": {"__name__": "n", "__module__": "wazuh.m", "__qualname__": "n", "__type__": "function"}}, "r": {"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"result": {}}}}, "u": {"__unhandled_exc__": {"__class__": "ValueError", "__args__": ["boom"]}}}`))
	f.Add([]byte(`[1, -0, 2.50, "\u00e9", null, true, {}]`))
	f.Fuzz(func(t *testing.T, p []byte) {
		v1, err := DecodeObject(p)
		if err != nil {
			return
		}
		b1 := EncodeJSON(v1)
		if !json.Valid(b1) {
			t.Fatalf("invalid JSON encoded: %s", b1)
		}
		v2, err := DecodeObject(b1)
		if err != nil {
			if !reinterpreted(err) {
				t.Fatalf("re-decoding %s: %v", b1, err)
			}
			return
		}
		if b2 := EncodeJSON(v2); !bytes.Equal(b1, b2) {
			t.Fatalf("encoding not stable:\n%s\n%s", b1, b2)
		}
	})
}

func FuzzParseHello(f *testing.F) {
	for _, file := range []string{"live_capture_sample.jsonl", "live_hello_rejections.jsonl"} {
		for _, p := range capturedPayloads(f, file, CmdHello) {
			f.Add([]byte(p))
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("a  b c d e"))
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := ParseHello(p)
		if err != nil {
			var we *WazuhError
			if !errors.As(err, &we) || we.Code != 1000 {
				t.Fatalf("error is not WazuhInternalError 1000: %v", err)
			}
			return
		}
		if !bytes.Equal(h.Encode(), p) {
			t.Fatalf("Encode() = %q, input %q", h.Encode(), p)
		}
		_ = ValidNodeName(h.Name)
	})
}

func FuzzParseGetNodesArgs(f *testing.F) {
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	for _, c := range selectNodesCases {
		f.Add([]byte(c.args))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		args, err := ParseGetNodesArgs(p)
		if err != nil {
			var we *WazuhError
			if !errors.As(err, &we) || we.Code != 1000 {
				t.Fatalf("error is not WazuhInternalError 1000: %v", err)
			}
			return
		}
		again, err := ParseGetNodesArgs(args.Encode())
		if err != nil || !bytes.Equal(again.Encode(), args.Encode()) {
			t.Fatalf("arguments do not round-trip: %s, %v", args.Encode(), err)
		}
		res, werr := SelectNodes(testNodes, args)
		if werr != nil {
			return
		}
		if len(res.Items) > len(testNodes) || res.TotalItems > len(testNodes) {
			t.Fatalf("more nodes than exist: %s", res.Encode())
		}
		if _, err := ParseNodesResult(res.Encode()); err != nil {
			t.Fatalf("result does not parse: %v", err)
		}
	})
}

func FuzzParseNodesResult(f *testing.F) {
	for _, c := range selectNodesCases {
		if c.want != "" {
			f.Add([]byte(c.want))
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		r, err := ParseNodesResult(p)
		if err != nil {
			return
		}
		b1 := r.Encode()
		r2, err := ParseNodesResult(b1)
		if err != nil || !bytes.Equal(r2.Encode(), b1) {
			t.Fatalf("result does not round-trip: %s, %v", b1, err)
		}
	})
}

func FuzzParseHealth(f *testing.F) {
	// Seeds are compact and small: the fuzzer minimises every new input by trying to remove each
	// byte range, which is quadratic in the input length.
	f.Add([]byte(`{"n_connected_nodes":1,"nodes":{"w":{"info":{"name":"w","type":"worker","version":"4.14.7","ip":"10.0.0.2","n_active_agents":1},"status":{"sync_integrity_free":true,"last_check_integrity":{"date_start_master":"n/a","date_end_master":"n/a"},"last_sync_integrity":{"date_start_master":"n/a","date_end_master":"n/a","total_extra_valid":0,"total_files":{"missing":1,"extra":0,"shared":2}},"sync_agent_info_free":false,"last_sync_agentinfo":{"date_start_master":"n/a","date_end_master":"n/a","n_synced_chunks":0},"last_sync_agentgroup":{"date_start":"n/a","date_end":"n/a","n_synced_chunks":0},"last_sync_full_agentgroup":{"date_start":"n/a","date_end":"n/a","n_synced_chunks":0},"last_keep_alive":"n/a"}}}}`))
	f.Add([]byte(`{"n_connected_nodes":0,"nodes":{"m":{"info":{"name":"m","type":"master","version":"4.14.7","ip":"10.0.0.1","n_active_agents":3}}}}`))
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := ParseHealth(p)
		if err != nil {
			return
		}
		b1 := h.Encode()
		h2, err := ParseHealth(b1)
		if err != nil || !reflect.DeepEqual(h, h2) || !bytes.Equal(h2.Encode(), b1) {
			t.Fatalf("health does not round-trip: %s, %v", b1, err)
		}
	})
}

func FuzzParseHealthFilter(f *testing.F) {
	for _, s := range []string{"null", "", `["master-node", "worker1"]`, "[]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		names, err := ParseHealthFilter(p)
		if err != nil || names == nil {
			return
		}
		again, err := ParseHealthFilter(EncodeJSON(names))
		if err != nil || !reflect.DeepEqual(again, names) {
			t.Fatalf("filter does not round-trip: %q, %v", names, err)
		}
	})
}

func FuzzParseSyncResult(f *testing.F) {
	for _, cmd := range []string{CmdSynWGE, CmdSynMAE} {
		for _, p := range capturedPayloads(f, "live_capture_sample.jsonl", cmd) {
			f.Add([]byte(p))
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		r, err := ParseSyncResult(p)
		if err != nil {
			return
		}
		b1 := r.Encode()
		r2, err := ParseSyncResult(b1)
		if err != nil || !bytes.Equal(r2.Encode(), b1) {
			t.Fatalf("result does not round-trip: %s, %v", b1, err)
		}
	})
}

func FuzzParseSyncString(f *testing.F) {
	for _, p := range capturedPayloads(f, "live_capture_sample.jsonl", CmdStrUpd) {
		if _, doc, ok := SplitFirst([]byte(p)); ok {
			f.Add(doc)
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		s, err := ParseSyncString(p)
		if err != nil {
			return
		}
		b1 := s.Encode()
		s2, err := ParseSyncString(b1)
		if err != nil || !bytes.Equal(s2.Encode(), b1) {
			t.Fatalf("document does not round-trip: %s, %v", b1, err)
		}
	})
}

// FuzzSpacedPayloads covers every "<head> <rest>" payload parser.
func FuzzSpacedPayloads(f *testing.F) {
	for _, cmd := range []string{CmdSynIWME, CmdSynMCE} {
		for _, p := range capturedPayloads(f, "live_capture_sample.jsonl", cmd) {
			f.Add([]byte(p))
		}
	}
	f.Add([]byte("None " + string(EncodeException(NewClusterError(3039, nil)))))
	f.Add([]byte(`513 {"daemon_name":"authd","message":{"function":"remove","arguments":{"id":"001"}}}`))
	f.Add([]byte("nospace"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if tf, err := ParseTaskFile(p); err == nil && !bytes.Equal(tf.Encode(), p) {
			t.Fatalf("task file: %q", tf.Encode())
		}
		if te, err := ParseTaskError(p); err == nil && te.TaskID != "" && !bytes.Equal((TaskError{TaskID: te.TaskID, Raw: te.Raw}).Encode(), p) {
			t.Fatalf("task error: %#v", te)
		}
		if d, err := ParseDapiRequest(p); err == nil && !bytes.Equal(d.Encode(), p) {
			t.Fatalf("dapi: %q", d.Encode())
		}
		if d, err := ParseDapiResult(p); err == nil && !bytes.Equal(d.Encode(), p) {
			t.Fatalf("dapi_res: %q", d.Encode())
		}
		if d, err := ParseDapiError(p); err == nil && !bytes.Equal(d.Encode(), p) {
			t.Fatalf("dapi_err: %q", d.Encode())
		}
		if s, err := ParseSendSyncResult(p); err == nil && !bytes.Equal(s.Encode(), p) {
			t.Fatalf("sendsyn_res: %q", s.Encode())
		}
		if s, err := ParseSendSyncError(p); err == nil && !bytes.Equal(s.Encode(), p) {
			t.Fatalf("sendsyn_err: %q", s.Encode())
		}
		if s, err := ParseSendSyncAnswer(p); err == nil && !bytes.Equal(s.Encode(), p) {
			t.Fatalf("cd_ssres: %q", s.Encode())
		}
		if s, err := ParseSendSync(p); err == nil {
			again, err := ParseSendSync(s.Encode())
			if err != nil || again.DaemonName != s.DaemonName || !bytes.Equal(again.Message, s.Message) {
				t.Fatalf("sendsync does not round-trip: %q, %v", s.Encode(), err)
			}
		}
	})
}

// FuzzOrderedJSON checks the ordered JSON parser against encoding/json: same documents accepted
// (up to the depth limit) and the same values decoded.
func FuzzOrderedJSON(f *testing.F) {
	seedExceptions(f)
	for _, s := range []string{`[1, -0, 2.50, 1e5, "\u00e9\ud83d\ude00\ud800x", null, true, {}]`, `{"a":1,"a":2}`, ` "x\/y" `, `01`, `[1,]`, "\"\xff\"", `"\u12"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		ours, err := decodeOrdered(p)
		if !json.Valid(p) {
			if err == nil {
				t.Fatalf("accepted invalid JSON %q", p)
			}
			return
		}
		if err != nil {
			if !errors.Is(err, ErrJSONTooDeep) {
				t.Fatalf("refused valid JSON %q: %v", p, err)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		var theirs any
		if err := dec.Decode(&theirs); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if !reflect.DeepEqual(unordered(ours), theirs) {
			t.Fatalf("decoded differently: %#v vs %#v", unordered(ours), theirs)
		}
	})
}

// unordered turns an ordered value into encoding/json's representation (last duplicate wins).
func unordered(v any) any {
	switch x := v.(type) {
	case Object:
		m := make(map[string]any, len(x))
		for _, mem := range x {
			m[mem.Key] = unordered(mem.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = unordered(e)
		}
		return out
	}
	return v
}

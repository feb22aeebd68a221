package authd

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func addVectorSeeds(f *testing.F, pick func(vectorCase) string) {
	v := loadVectors(f)
	for _, sc := range v.Scenarios {
		for _, c := range sc.Cases {
			if s := pick(c); s != "" {
				f.Add([]byte(s))
			}
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	addVectorSeeds(f, func(c vectorCase) string { return c.Request })
	f.Add([]byte("OSSEC PASS: s3cr3t OSSEC A:'pw01' V:'v4.14.7' G:'a,b' IP:'2001:db8::/32' K:''\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, password := range []string{"", "s3cr3t"} {
			req, err := ParseRequestWithPassword(line, password)
			if err != nil {
				var re *RequestError
				if !errors.As(err, &re) || !strings.HasPrefix(re.Text, "ERROR: ") {
					t.Fatalf("error %v is not a Wazuh reply text", err)
				}
				continue
			}
			if !messages.ValidAgentName(req.Name) {
				t.Fatalf("accepted invalid name %q", req.Name)
			}
			if req.IP != "" && req.IP != "src" {
				if again, ok := NormalizeIP(req.IP); !ok || again != req.IP {
					t.Fatalf("stored IP %q does not normalise to itself (%q, %v)", req.IP, again, ok)
				}
			}
			if len(req.KeyHash) > keyHashFieldWidth {
				t.Fatalf("key hash longer than %d: %q", keyHashFieldWidth, req.KeyHash)
			}
		}
	})
}

func FuzzHandleJSON(f *testing.F) {
	addVectorSeeds(f, func(c vectorCase) string { return c.JSONRequest })
	f.Add([]byte(`{"function":"add","arguments":{"name":"n1","ip":"::1/64","groups":"default,,web","id":"12","key":"abc","key_hash":"x","force":{"enabled":1,"key_mismatch":false,"disconnected_time":{"enabled":true,"value":"1d"},"after_registration_time":10}}}`))
	f.Add([]byte(`{"function":"remove","arguments":{"id":"001","purge":true}}`))
	v := loadVectors(f)
	sharedDir := makeSharedDir(f)
	messages := map[int]string{0: ""}
	for _, e := range []*APIError{ErrAPIInternal, ErrAPIParsingJSON, ErrAPINoFunction, ErrAPINoArgument, ErrAPINoName,
		ErrAPINoIP, ErrAPIDuplicateIP, ErrAPIDuplicateName, ErrAPIKey, ErrAPINoID, ErrAPIAgentNotFound,
		ErrAPIDuplicateID, ErrAPIMaxAgents, ErrAPIInvalidGroups} {
		messages[e.Code] = e.Message
	}
	f.Fuzz(func(t *testing.T, req []byte) {
		svc := NewMaster(vectorConfig(v, sharedDir), vectorStore(t, v), nil)
		reply := svc.HandleJSON(context.Background(), req)
		var answer struct {
			Error   *int            `json:"error"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(reply, &answer); err != nil || answer.Error == nil {
			t.Fatalf("reply %q is not an authd answer: %v", reply, err)
		}
		want, known := messages[*answer.Error]
		if !known || answer.Message != want {
			t.Fatalf("reply %q: unknown code or message", reply)
		}
		if *answer.Error == 0 && len(answer.Data) == 0 {
			t.Fatalf("success without data: %q", reply)
		}
	})
}

func FuzzParseAddAnswer(f *testing.F) {
	f.Add([]byte(`{"error":0,"data":{"id":"007","name":"wk01","ip":"any","key":"58704a53ce2864c3ed631a6e7781b973ac0aa6e63735566f4ff6cf616c9de007"}}`))
	f.Add([]byte(`{"error":9008,"message":"Duplicate name"}`))
	f.Add([]byte(`{"error":"x","data":[]}`))
	f.Fuzz(func(t *testing.T, answer []byte) {
		id, key, errText := parseAddAnswer(answer)
		if errText != "" {
			if id != "" || key != "" || !strings.HasPrefix(errText, "ERROR: ") {
				t.Fatalf("answer %q: id %q key %q err %q", answer, id, key, errText)
			}
			return
		}
		if _, err := parseCJSON(answer); err != nil {
			t.Fatalf("accepted unparsable answer %q", answer)
		}
	})
}

func FuzzEnrollMaster(f *testing.F) {
	addVectorSeeds(f, func(c vectorCase) string { return c.Request })
	v := loadVectors(f)
	sharedDir := makeSharedDir(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		st := vectorStore(t, v)
		svc := NewMaster(vectorConfig(v, sharedDir), st, nil)
		reply := svc.Enroll(context.Background(), line, net.ParseIP("10.0.0.99"))
		switch {
		case strings.HasPrefix(reply, "OSSEC K:'"):
			if m := okReply.FindStringSubmatch(reply); m == nil || !keyShape.MatchString(m[4]) {
				t.Fatalf("malformed success reply %q", reply)
			}
		case strings.HasPrefix(reply, "ERROR: ") && strings.HasSuffix(reply, ". Unable to add agent"):
		default:
			t.Fatalf("reply %q", reply)
		}
	})
}

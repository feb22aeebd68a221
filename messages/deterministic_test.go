package messages

import "testing"

// deterministicCase is the part of frames_deterministic.json this package checks: the command
// the real msg_build was given and the plaintext it carried.
type deterministicCase struct {
	Name      string `json:"name"`
	Command   string `json:"command_arg"`
	Plaintext string `json:"plaintext_text"`
}

func loadDeterministic(t testing.TB) map[string]deterministicCase {
	t.Helper()
	var doc struct {
		Cases []deterministicCase `json:"cases"`
	}
	readJSONVector(t, "frames_deterministic.json", &doc)
	out := make(map[string]deterministicCase, len(doc.Cases))
	for _, c := range doc.Cases {
		out[c.Name] = c
	}
	return out
}

func TestDeterministicVectorsUseOurCommandsAndReplies(t *testing.T) {
	cases := loadDeterministic(t)
	checks := []struct {
		name    string
		command string
		payload string
	}{
		{"hello_request", CmdHello, string(Hello{Name: "worker1", Cluster: "wazuh", NodeType: "worker", Version: "4.14.7"}.Encode())},
		{"hello_response_ok", CmdOK, string(HelloAccepted("worker1"))},
		{"keepalive_request", CmdEchoC, "keepalive"},
		{"keepalive_response", CmdOKM, "keepalive"},
		{"integrity_permission_request", CmdSynIWMP, ""},
		{"integrity_permission_response", CmdOK, string(PermissionReply(true))},
		{"new_file_response", CmdOKNewFile, ReplyReadyForFile},
		{"unknown_command_response", CmdErr, string(UnknownCommand("foo"))},
		{"local_socket_get_nodes", CmdGetNodes, "{}"},
	}
	for _, c := range checks {
		v, ok := cases[c.name]
		if !ok {
			t.Fatalf("no vector %q", c.name)
		}
		if v.Command != c.command || v.Plaintext != c.payload {
			t.Errorf("%s: vector (%q, %q), ours (%q, %q)", c.name, v.Command, v.Plaintext, c.command, c.payload)
		}
	}
}

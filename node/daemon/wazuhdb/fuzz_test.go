package wazuhdb

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// FuzzParseClientKeys: any input parses or fails with clientkeys.ErrMalformed, and
// whatever parses renders back to text that parses to the same entries.
func FuzzParseClientKeys(f *testing.F) {
	for _, seed := range []string{
		"",
		"001 web01 any 1f94fe445ba97e785acb7ea6f44b8fcb451ba5ddfa72c603380bd96c9158ed0d\n",
		"# comment\n 002 x\n005 !gone any k\n006 keyed 10.0.0.0/24 k\r\n",
		"001 a any k\n001 b any k\n",
		"001 #hidden any k",
		"abc def ghi jkl\n",
		"99999999 a any k\n100000000 a any k\n",
		"001 a any k\n\n\n002 !!b any k\n",
		"001\ta any k\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := clientkeys.Parse(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, clientkeys.ErrMalformed) {
				t.Fatalf("error without clientkeys.ErrMalformed: %v", err)
			}
			return
		}
		if err := validateImport(entries); err != nil {
			// The importer also gives agent names Wazuh's check, which the parser (and
			// remoted, which reads client.keys as Wazuh does) leave alone.
			if !errors.Is(err, messages.ErrInvalidAgentName) {
				t.Fatalf("parsed entries refused by the importer: %v", err)
			}
			return
		}
		again, err := clientkeys.Parse(bytes.NewReader(clientkeys.Render(entries)))
		if err != nil {
			t.Fatalf("rendering does not parse: %v", err)
		}
		if len(entries) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(entries, again) {
			t.Fatalf("round trip changed entries:\n%+v\n%+v", entries, again)
		}
	})
}

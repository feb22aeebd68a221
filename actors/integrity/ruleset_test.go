package integrity

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// get_hash hashes the user ruleset alone: files of etc/rules, etc/decoders and etc/lists (their
// excluded names aside), not the other synchronised folders.
func TestRulesetHashesTakeTheRulesetOnly(t *testing.T) {
	home := t.TempDir()
	now := time.Now()
	writeFile(t, home, "etc/rules/local_rules.xml", "<group/>", now)
	writeFile(t, home, "etc/lists/amazon/aws-eventnames", "a:b", now)
	writeFile(t, home, "etc/decoders/local_decoder.xml~", "backup", now)
	writeFile(t, home, "etc/shared/default/agent.conf", "<agent_config/>", now)
	writeFile(t, home, "etc/client.keys", "001 a any k", now)
	got, err := RulesetHashes(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := HashFile(home + "/etc/rules/local_rules.xml")
	lists, _ := HashFile(home + "/etc/lists/amazon/aws-eventnames")
	want := map[string]string{"etc/rules/local_rules.xml": rules, "etc/lists/amazon/aws-eventnames": lists}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RulesetHashes = %v, want %v", got, want)
	}
}

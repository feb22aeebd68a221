package process

import (
	"os"
	"path/filepath"
	"testing"
)

// Run from <home>/bin beside <home>/etc/ossec.conf, the home is found as a Wazuh daemon finds
// its own; anywhere else it is /var/ossec.
func TestDefaultHomeIsTheFolderAboveBin(t *testing.T) {
	home := t.TempDir()
	for _, dir := range []string{"bin", "etc"} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	argv0 := filepath.Join(home, "bin", "wazuh-clusterd")
	if got := DefaultHome(argv0); got != FallbackHome {
		t.Fatalf("without etc/ossec.conf: %s", got)
	}
	if err := os.WriteFile(filepath.Join(home, "etc", "ossec.conf"), []byte("<ossec_config/>"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := DefaultHome(argv0); got != home {
		t.Fatalf("run as %s: home %s, want %s", argv0, got, home)
	}
	// A relative path is taken from the working directory, as the shell started it.
	t.Chdir(home)
	if got := DefaultHome("bin/wazuh-clusterd"); got != home {
		t.Fatalf("run as bin/wazuh-clusterd from %s: home %s", home, got)
	}
	// A bare name was found in $PATH: the executable's own folder decides (a test binary's is
	// no install's bin/).
	if got := DefaultHome("wazuh-clusterd"); got != FallbackHome {
		t.Fatalf("run by name: home %s", got)
	}
}

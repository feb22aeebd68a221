package process

import (
	"os"
	"path/filepath"
)

// FallbackHome is the home of a clusterd that does not run from an install's bin/ folder: the
// Wazuh manager's usual place.
const FallbackHome = "/var/ossec"

// DefaultHome is the home of a clusterd started without --home. As a Wazuh daemon finds its
// home from where its binary is (w_homedir, the wrappers' dirname), clusterd run from
// <home>/bin takes <home> when <home>/etc/ossec.conf exists; the path it was started by
// (argv0, as wazuh-control starts "${DIR}/bin/wazuh-clusterd") is tried first, then the
// executable's real path (a symlink followed). Anywhere else, FallbackHome: the check on
// etc/ossec.conf keeps a build folder's bin/ from being taken for a home.
func DefaultHome(argv0 string) string {
	var candidates []string
	if filepath.Base(argv0) != argv0 { // a path, not a name looked up in $PATH
		if abs, err := filepath.Abs(argv0); err == nil {
			candidates = append(candidates, filepath.Dir(abs))
		}
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		candidates = append(candidates, filepath.Dir(exe))
	}
	for _, dir := range candidates {
		if filepath.Base(dir) != "bin" {
			continue
		}
		home := filepath.Dir(dir)
		if st, err := os.Stat(filepath.Join(home, "etc", "ossec.conf")); err == nil && st.Mode().IsRegular() {
			return home
		}
	}
	return FallbackHome
}

package integrity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIsTempName(t *testing.T) {
	for name, want := range map[string]bool{
		".merged.mg.clusterd-1234567.tmp":      true, // TempPattern
		".client.keys.clusterd-4294967295.tmp": true,
		".merged.mg.tmp-123":                   true, // earlier merged.mg, client.keys, certificate writers
		".agent.conf.tmp4242":                  true, // earlier atomic writer
		".clusterd-0123456789abcdef.tmp":       true, // wire's receiver
		".clusterd-segment-77.tmp":             true, // a package's spill file
		".clusterd-x.clusterd-1.tmp":           true, // a destination whose name starts like the receiver's

		"merged.mg":                           false,
		"merged.mg.tmp-123":                   false, // not hidden
		".merged.mg.tmp":                      false, // Wazuh's apply name: no random part
		".notes.tmp":                          false,
		".merged.mg.tmp-12ab":                 false,
		".merged.mg.tmp-":                     false,
		".merged.mg.clusterd-.tmp":            false,
		".merged.mg.clusterd-12345678901.tmp": false, // longer than any os.CreateTemp random part
		".x.clusterd-1.tmp.orig":              false,
		".clusterd-0123456789ABCDEF.tmp":      false,
		".clusterd-0123.tmp":                  false,
		".tmp-1":                              false,
		".clusterd-1.tmp":                     false,
		"":                                    false,
	} {
		if got := IsTempName(name); got != want {
			t.Errorf("IsTempName(%q) = %v, want %v", name, got, want)
		}
	}
}

// Every temporary file made with TempPattern is recognised and excluded from every sync, even
// for the longest destination names; its name always fits.
func TestTempPatternMakesTempNames(t *testing.T) {
	dir := t.TempDir()
	for _, base := range []string{"merged.mg", "client.keys", strings.Repeat("x", 255), "x" + strings.Repeat("é", 127)} {
		f, err := os.CreateTemp(dir, TempPattern(base))
		if err != nil {
			t.Fatalf("%.20s…: %v", base, err)
		}
		f.Close()
		name := filepath.Base(f.Name())
		if !IsTempName(name) || !Excluded(name) || len(name) > maxComponentLen || !utf8.ValidString(name) {
			t.Errorf("%q: IsTempName %v, Excluded %v, %d bytes", name, IsTempName(name), Excluded(name), len(name))
		}
	}
}

// IsTempName reads names from peers (a worker's metadata, a master's package): any name is
// answered without panicking, and a name made by TempPattern is always recognised.
func FuzzIsTempName(f *testing.F) {
	for _, s := range []string{".merged.mg.tmp-123", ".clusterd-0123456789abcdef.tmp", ".a.clusterd-1.tmp", ".tmp", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		_ = IsTempName(name)
		if strings.ContainsAny(name, "/*") || name == "" {
			return
		}
		made := strings.Replace(TempPattern(name), "*", "42", 1)
		if !IsTempName(made) {
			t.Fatalf("TempPattern(%q) made %q, not recognised", name, made)
		}
	})
}

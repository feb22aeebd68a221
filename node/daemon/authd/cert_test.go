package authd

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadOrCreateCertCreatesThenReuses(t *testing.T) {
	dir := t.TempDir()
	certPath := filepath.Join(dir, "etc", "sslmanager.cert")
	keyPath := filepath.Join(dir, "etc", "sslmanager.key")
	first, err := LoadOrCreateCert(certPath, keyPath, "vec-manager")
	if err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{certPath: 0o644, keyPath: 0o640} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}
	leaf, err := x509.ParseCertificate(first.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Subject.CommonName != "vec-manager" {
		t.Errorf("CN = %q", leaf.Subject.CommonName)
	}
	if life := leaf.NotAfter.Sub(leaf.NotBefore); life < 10*365*24*time.Hour {
		t.Errorf("validity %v, want 10 years", life)
	}
	second, err := LoadOrCreateCert(certPath, keyPath, "other-name")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Certificate[0], second.Certificate[0]) {
		t.Fatal("existing certificate was not reused")
	}
	entries, err := os.ReadDir(filepath.Dir(certPath))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("folder holds %d files, want 2 (no temporary leftovers)", len(entries))
	}
}

func TestLoadOrCreateCertRejectsCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "c"), filepath.Join(dir, "k")
	for _, p := range []string{certPath, keyPath} {
		if err := os.WriteFile(p, []byte("not pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadOrCreateCert(certPath, keyPath, "h"); err == nil {
		t.Fatal("corrupt certificate files were accepted")
	}
}

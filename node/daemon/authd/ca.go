package authd

import (
	"crypto/x509"
	"fmt"
	"os"
)

// LoadCAPool reads the PEM certificates of path (<ssl_agent_ca>) into a pool that agents'
// certificates must chain to. A file without any certificate is an error: authd would accept
// no agent at all, which is surely not what was meant.
func LoadCAPool(path string) (*x509.CertPool, error) {
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read agent CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("agent CA %s: %w", path, ErrNoCertificates)
	}
	return pool, nil
}

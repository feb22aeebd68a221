package authd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/clusterd/clusterd/node/fsutil"
)

const (
	certValidity   = 10 * 365 * 24 * time.Hour
	certFileMode   = 0o644
	keyFileMode    = 0o640
	certFolderMode = 0o750
)

// LoadOrCreateCert loads authd's server certificate (etc/sslmanager.cert and .key); when either
// file is missing it generates a self-signed ECDSA P-256 certificate valid for 10 years with
// CN = hostname and writes both files atomically (key 0640, certificate 0644).
func LoadOrCreateCert(certPath, keyPath, hostname string) (tls.Certificate, error) {
	certExists, err := fileExists(certPath)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyExists, err := fileExists(keyPath)
	if err != nil {
		return tls.Certificate{}, err
	}
	if certExists && keyExists {
		cert, err := tls.LoadX509KeyPair(certPath, keyPath)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("load authd certificate %s: %w", certPath, err)
		}
		return cert, nil
	}
	certPEM, keyPEM, err := selfSignedCert(hostname)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := writeFileAtomic(keyPath, keyPEM, keyFileMode); err != nil {
		return tls.Certificate{}, err
	}
	if err := writeFileAtomic(certPath, certPEM, certFileMode); err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("use generated authd certificate: %w", err)
	}
	return cert, nil
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("stat %s: %w", path, err)
	}
}

func selfSignedCert(hostname string) (certPEM, keyPEM []byte, err error) {
	// ECDSA P-256: every agent's OpenSSL accepts it, and a handshake costs the server a small
	// fraction of what an RSA-2048 signature does, which matters when thousands of agents
	// enroll at once.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate authd key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("generate certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hostname},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		// A CA flag lets agents use the file itself as server_ca_path.
		IsCA: true,
	}
	if ip := net.ParseIP(hostname); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else if hostname != "" {
		tmpl.DNSNames = []string{hostname}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create authd certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode authd key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}

// writeFileAtomic writes data to a temporary file in path's folder, syncs it and renames it
// into place, so a crash never leaves a half-written file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, certFolderMode); err != nil {
		return fmt.Errorf("create folder %s: %w", dir, err)
	}
	return fsutil.WriteFileAtomic(path, data, mode)
}

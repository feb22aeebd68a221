package nodetest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// TestEnrollmentRequiresAgentCertificate: <ssl_agent_ca> and <ssl_verify_host> reach the node's
// enrollment listener: no certificate, or one naming another address, enrolls nothing.
func TestEnrollmentRequiresAgentCertificate(t *testing.T) {
	caPath := filepath.Join(t.TempDir(), "agents-ca.pem")
	ca, caKey := writeTestCA(t, caPath)
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Auth: func(a *config.Auth) {
		a.SSLAgentCA, a.SSLVerifyHost = caPath, true
	}})
	master := c.Master()
	addr := master.Node().EnrollAddr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if reply, err := nodetest.EnrollWithCertificate(ctx, addr, "OSSEC A:'nocert'", nil); err == nil && reply != "" {
		t.Fatalf("enrolled without a certificate: %q", reply)
	}
	other := issueTestCert(t, ca, caKey, net.ParseIP("10.9.9.9"))
	if reply, err := nodetest.EnrollWithCertificate(ctx, addr, "OSSEC A:'otherhost'", &other); err == nil && reply != "" {
		t.Fatalf("enrolled with a certificate for another address: %q", reply)
	}
	// The test dials from loopback's primary address whatever the node's own address is.
	good := issueTestCert(t, ca, caKey, net.ParseIP("127.0.0.1"))
	reply, err := nodetest.EnrollWithCertificate(ctx, addr, "OSSEC A:'goodcert'", &good)
	if err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if keys := master.ClientKeys(); len(keys) != 1 || !strings.Contains(keys[0], " goodcert ") {
		t.Fatalf("client.keys = %q", keys)
	}
}

func writeTestCA(t *testing.T, path string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "agents-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	return ca, key
}

func issueTestCert(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, ip net.IP) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "agent"},
		IPAddresses: []net.IP{ip}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

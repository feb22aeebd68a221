package nodetest_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/authd/authdtest"
	"github.com/clusterd/clusterd/node/nodetest"
)

// TestEnrollmentRequiresAgentCertificate: <ssl_agent_ca> and <ssl_verify_host> reach the node's
// enrollment listener: no certificate, or one naming another address, enrolls nothing.
func TestEnrollmentRequiresAgentCertificate(t *testing.T) {
	pki, err := authdtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	caPath := filepath.Join(t.TempDir(), "agents-ca.pem")
	if err := os.WriteFile(caPath, pki.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
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
	other, err := pki.Issue("agent", nil, []net.IP{net.ParseIP("10.9.9.9")})
	if err != nil {
		t.Fatal(err)
	}
	if reply, err := nodetest.EnrollWithCertificate(ctx, addr, "OSSEC A:'otherhost'", &other); err == nil && reply != "" {
		t.Fatalf("enrolled with a certificate for another address: %q", reply)
	}
	// The test dials from loopback's primary address whatever the node's own address is.
	good, err := pki.Issue("agent", nil, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := nodetest.EnrollWithCertificate(ctx, addr, "OSSEC A:'goodcert'", &good)
	if err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
		t.Fatalf("reply %q, %v", reply, err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if keys := master.ClientKeys(); len(keys) != 1 || !strings.Contains(keys[0], " goodcert ") {
			return fmt.Errorf("client.keys = %q", keys)
		}
		return nil
	})
}

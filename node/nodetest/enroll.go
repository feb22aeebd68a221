package nodetest

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Enroll sends one enrollment request line to the member's enrollment port, as a Wazuh agent
// does (TLS, the line, then read the reply until the node closes), and returns the reply.
func (m *Member) Enroll(ctx context.Context, line string) (string, error) {
	n := m.Node()
	if n == nil || n.EnrollAddr() == nil {
		return "", fmt.Errorf("%s: %w", m.Name, errNotEnrolling)
	}
	return EnrollAt(ctx, n.EnrollAddr().String(), line)
}

// EnrollAt enrolls against addr; the certificate is not verified (agents without
// server_ca_path do not verify it either).
func EnrollAt(ctx context.Context, addr, line string) (string, error) {
	return EnrollWithCertificate(ctx, addr, line, nil)
}

// EnrollWithCertificate is EnrollAt for an agent presenting cert (agent_certificate_path) when
// it is not nil.
func EnrollWithCertificate(ctx context.Context, addr, line string, cert *tls.Certificate) (string, error) {
	cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // as an agent without server_ca_path
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	} else {
		_ = conn.SetDeadline(time.Now().Add(time.Minute))
	}
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	if _, err := io.WriteString(conn, line); err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	reply, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil && len(reply) == 0 {
		return "", fmt.Errorf("read: %w", err)
	}
	return string(reply), nil
}

// ClientKeys returns the member's etc/client.keys lines (none when the file is missing).
func (m *Member) ClientKeys() []string {
	b, err := os.ReadFile(filepath.Join(m.Home, "etc", "client.keys"))
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

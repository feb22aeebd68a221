package agentsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// maxEnrollReply bounds what is read from authd; a reply is one short line.
const maxEnrollReply = 64 << 10

// enrollTLSConfig is the agent's TLS client: TLS ≥ 1.2, the manager certificate
// checked only when a CA bundle is configured.
func enrollTLSConfig(caFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		cfg.InsecureSkipVerify = true
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read enrollment CA %s: %w", caFile, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("enrollment CA %s: no certificate found", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// enrollOnce asks authd at addr for a key: one request line, one reply, close.
func enrollOnce(ctx context.Context, addr string, tlsCfg *tls.Config, request []byte, timeout time.Duration) (agentproto.Key, error) {
	cfg := tlsCfg
	if !cfg.InsecureSkipVerify {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return agentproto.Key{}, fmt.Errorf("enrollment address %s: %w", addr, err)
		}
		cfg = cfg.Clone()
		cfg.ServerName = host
	}
	dialer := tls.Dialer{NetDialer: &net.Dialer{Timeout: timeout}, Config: cfg}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return agentproto.Key{}, fmt.Errorf("connect to authd %s: %w", addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return agentproto.Key{}, fmt.Errorf("authd %s: %w", addr, err)
	}
	if _, err := conn.Write(request); err != nil {
		return agentproto.Key{}, fmt.Errorf("send enrollment request to %s: %w", addr, err)
	}
	// authd closes the connection after its reply, which has no terminator.
	reply, err := io.ReadAll(io.LimitReader(conn, maxEnrollReply))
	if len(reply) == 0 {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return agentproto.Key{}, fmt.Errorf("read enrollment reply from %s: %w", addr, err)
	}
	key, perr := parseEnrollReply(reply)
	if perr != nil {
		var refused *EnrollError
		if errors.As(perr, &refused) {
			return agentproto.Key{}, perr
		}
		return agentproto.Key{}, fmt.Errorf("enrollment reply from %s: %w", addr, perr)
	}
	return key, nil
}

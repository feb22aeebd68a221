package nodetest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStringsAndFilesBothWays sends long strings and files from a worker to the master and from
// the master to a worker through the handlers that own the connection, and a message large
// enough to be divided on the wire, in both directions.
func TestStringsAndFilesBothWays(t *testing.T) {
	// Megabytes through Fernet under the race detector are slow: keep Wazuh's 20 s request
	// timeout rather than the test cluster's short one.
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Communication.TimeoutClusterRequest = 20 * time.Second
	}})
	master, worker := c.Master(), c.Workers()[0]
	ways := []struct {
		name     string
		from, to *nodetest.Member
		handler  string
	}{
		{"worker to master", worker, master, actors.Path(actors.NameMaster)},
		{"master to worker", master, worker, actors.Path(actors.NamePeers) + "/" + worker.Name},
	}
	for _, way := range ways {
		t.Run(way.name, func(t *testing.T) {
			kit := way.from.Node().Kit()
			r := actors.NewRequester(kit, kit.System.NewLocalPID(way.handler))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			// A 12 MB string goes as new_str and three str_upd chunks.
			id1, err := wire.SendString(ctx, r, randomBytes(t, 12_000_000), wire.RequestChunk)
			if err != nil {
				t.Fatalf("send string: %v", err)
			}
			id2, err := wire.SendString(ctx, r, []byte("short"), wire.RequestChunk)
			if err != nil || id2 == id1 {
				t.Fatalf("second string: id %q (first %q), %v", id2, id1, err)
			}

			// A 3 MB file lands in the receiver's queue/cluster/<worker>/, whole.
			body := randomBytes(t, 3_000_000)
			rel := "/queue/cluster/" + worker.Name + "/transfer-" + way.from.Name + ".bin"
			if err := wire.SendFile(ctx, r, rel, bytes.NewReader(body), wire.RequestChunk, func() bool { return false }); err != nil {
				t.Fatalf("send file: %v", err)
			}
			got, err := os.ReadFile(filepath.Join(way.to.Home, rel))
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("received file: %d bytes, equal %v, %v", len(got), bytes.Equal(got, body), err)
			}

			// A file outside queue/cluster is refused with Wazuh's text.
			resp, err := r.Request(ctx, messages.CmdNewFile, []byte("/etc/client.keys"))
			if err != nil || resp.Command != messages.CmdErr || string(resp.Payload) != "Write path not allowed" {
				t.Fatalf("new_file outside queue/cluster: %s %q %v", resp.Command, resp.Payload, err)
			}

			// 6 MB of plaintext is divided into two parts each way (echo answers with it).
			big := randomBytes(t, 6_000_000)
			resp, err = r.Request(ctx, messages.CmdEcho, big)
			if err != nil || resp.Command != messages.CmdOK || !bytes.Equal(resp.Payload, big) {
				t.Fatalf("divided echo: %s, %d bytes, %v", resp.Command, len(resp.Payload), err)
			}
		})
	}
}

// TestConnectionsPerAddressAreLimited: the master accepts at most ten simultaneous connections
// from one address (§1.5); the eleventh is closed at once.
func TestConnectionsPerAddressAreLimited(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	addr := c.Master().Node().ClusterAddr()
	for range 10 {
		nodetest.DialRaw(t, addr, nodetest.Key)
	}
	eleventh := nodetest.DialRaw(t, addr, nodetest.Key)
	if err := eleventh.ClosedByPeer(); err != nil {
		t.Fatalf("eleventh connection: %v", err)
	}
}

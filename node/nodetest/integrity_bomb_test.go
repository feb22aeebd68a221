package nodetest_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// workerPackage is a worker's integrity package holding only files_metadata.json, compressed
// from what write produces.
func workerPackage(t *testing.T, write func(w *zlib.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("files_metadata.json|//@@//|")
	zw, err := zlib.NewWriterLevel(&b, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sendWorkerPackage runs a raw worker's integrity check with pkg as its package.
func sendWorkerPackage(t *testing.T, c *nodetest.Cluster, p *nodetest.RawPeer, name string, pkg []byte) {
	t.Helper()
	kit := c.Master().Node().Kit()
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			kit.System.Root.Send(kit.System.NewLocalPID(actors.Path(actors.NameLocalIntegrity)), &actors.RescanIntegrity{})
			return fmt.Errorf("permission %s", got)
		}
		return nil
	})
	f := p.Call(messages.CmdSynIWM, nil)
	if f.Command != messages.CmdOK {
		t.Fatalf("syn_i_w_m answered %s %q", f.Command, f.Payload)
	}
	rel := "queue/cluster/" + name + "/files.zip"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := wire.SendFile(ctx, p, "/"+rel, bytes.NewReader(pkg), wire.RequestChunk, func() bool { return false }); err != nil {
		t.Fatalf("sending the package: %v", err)
	}
	if f := p.Call(messages.CmdSynIWME, []byte(string(f.Payload)+" "+rel)); f.Command != messages.CmdOK {
		t.Fatalf("syn_i_w_m_e answered %s %q", f.Command, f.Payload)
	}
}

// A worker's files_metadata.json that inflates far past any honest one is refused with 3053
// before the master holds it (256 MiB of max_zip_size: 32 MiB of metadata at most), while a
// large honest one is accepted.
func TestMetadataBombIsRefusedWithBoundedMemory(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, NoStore: true, Tune: func(in *config.Internal) {
		in.Communication.MaxZipSize = 256 << 20
		in.Master.RecalculateIntegrity = time.Hour
	}})

	// 200 MiB of metadata from a package of a few hundred KiB: under max_zip_size, over any
	// honest document.
	bomb := workerPackage(t, func(w *zlib.Writer) error {
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		if _, err := w.Write([]byte("{")); err != nil {
			return err
		}
		for range 200 {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	t.Logf("bomb package: %d KiB", len(bomb)>>10)
	bomber := helloRaw(t, c, "bomber")
	stop := heapPeak(t)
	sendWorkerPackage(t, c, bomber, "bomber", bomb)
	nodetest.Eventually(t, 10*time.Second, func() error {
		if !c.Master().Logged("Error receiving the worker's files") {
			return fmt.Errorf("the bomb was not refused yet")
		}
		return nil
	})
	peak := stop()
	t.Logf("heap peak while refusing the bomb: %d MiB above the start", peak>>20)
	if !c.Master().Logged("Error 3053") {
		t.Fatal("the bomb was refused, but not with 3053")
	}
	if peak > 96<<20 {
		t.Fatalf("refusing the bomb made the process hold %d MiB", peak>>20)
	}

	// An honest document of 50,000 files (about 10 MiB) is accepted.
	const files = 50000
	hash := strings.Repeat("ab", 64)
	honest := workerPackage(t, func(w *zlib.Writer) error {
		for i := range files {
			sep := ", "
			if i == 0 {
				sep = "{"
			}
			if _, err := fmt.Fprintf(w, `%s"etc/shared/group%06d/agent.conf": {"mod_time": 1700000000.0, "cluster_item_key": "etc/shared/", "merged": false, "hash": "%s"}`, sep, i, hash); err != nil {
				return err
			}
		}
		_, err := w.Write([]byte("}"))
		return err
	})
	sendWorkerPackage(t, c, helloRaw(t, c, "honest"), "honest", honest)
	nodetest.Eventually(t, 20*time.Second, func() error {
		if !c.Master().Logged(fmt.Sprintf("Received metadata of %d files", files)) {
			return fmt.Errorf("the honest metadata was not accepted yet")
		}
		return nil
	})
}

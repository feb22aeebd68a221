package nodetest_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// benchTree builds (once, cached under the system's temp folder) a tree of synced files: n files
// under etc/shared/<group>/ with sizes drawn log-uniformly in [minSize, maxSize]. The content is
// text-like (words from a small vocabulary) so that it compresses about as configuration files
// do, and a 1 GiB tree fits Wazuh's 1 GiB package limit in one round.
func benchTree(b *testing.B, name string, n, minSize, maxSize int) (string, int64) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "clusterd-bench-"+name)
	done := filepath.Join(dir, ".complete")
	if size, err := os.ReadFile(done); err == nil {
		var total int64
		fmt.Sscan(string(size), &total)
		return dir, total
	}
	_ = os.RemoveAll(dir)
	rng := rand.New(rand.NewSource(int64(n)))
	words := strings.Fields("agent rule decoder group level alert syscheck rootcheck localfile " +
		"command frequency ignore directory check_all realtime whodata report_changes " +
		"<localfile> </localfile> <log_format>syslog</log_format> <location>/var/log/</location>")
	var total int64
	buf := make([]byte, 0, maxSize)
	for i := range n {
		size := int(float64(minSize) * math.Exp(rng.Float64()*math.Log(float64(maxSize)/float64(minSize))))
		buf = buf[:0]
		for len(buf) < size {
			buf = append(buf, words[rng.Intn(len(words))]...)
			buf = append(buf, ' ')
			if rng.Intn(12) == 0 {
				buf = append(buf, '\n')
			}
		}
		buf = buf[:size]
		path := filepath.Join(dir, "etc", "shared", fmt.Sprintf("group-%03d", i/100), fmt.Sprintf("file-%05d.conf", i))
		if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, buf, 0o660); err != nil {
			b.Fatal(err)
		}
		total += int64(size)
	}
	if err := os.WriteFile(done, []byte(fmt.Sprint(total)), 0o600); err != nil {
		b.Fatal(err)
	}
	return dir, total
}

// copyTree hard-links src's files into dst (same filesystem), which is enough for the master
// to read them and costs no copy.
func copyTree(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == ".complete" {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o770)
		}
		if err := os.Link(path, target); err != nil {
			return copyFile(path, target)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func copyFile(src, dst string) error {
	body, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, body, 0o660)
}

// countFiles counts the regular files and bytes under dir (cheap, to poll for the end of a
// sync without hashing a gigabyte each time).
func countFiles(dir string) (int, int64) {
	n, size := 0, int64(0)
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			n++
			size += info.Size()
		}
		return nil
	})
	return n, size
}

// BenchmarkFullSync measures a full integrity sync of about 1 GiB in 2,000 files (64 KiB to
// 1.75 MiB, log-uniform: just under the 1 GiB a worker inflates from one package) from the
// master to an empty worker over loopback: from the worker's start to the last file in place,
// in one round.
func BenchmarkFullSync(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 1 GiB tree")
	}
	src, total := benchTree(b, "fullsync-2000", 2000, 64<<10, 1792<<10)
	want := 2000
	for b.Loop() {
		b.StopTimer()
		c := nodetest.Start(b, nodetest.Options{Workers: 1, NoStore: true, Tune: func(in *config.Internal) {
			in.Communication.TimeoutClusterRequest = 60 * time.Second
		}})
		w := c.Workers()[0]
		if err := w.Stop(); err != nil {
			b.Fatal(err)
		}
		copyTree(b, src, c.Master().Home)
		// Let the master hash its new files before the worker arrives.
		nodetest.Eventually(b, 5*time.Minute, func() error { return masterScanned(c, want) })
		b.StartTimer()
		start := time.Now()
		if err := w.Start(); err != nil {
			b.Fatal(err)
		}
		nodetest.Eventually(b, 10*time.Minute, func() error {
			n, size := countFiles(filepath.Join(w.Home, "etc", "shared"))
			if n < want || size < total {
				return fmt.Errorf("%d files, %d bytes so far", n, size)
			}
			return nil
		})
		took := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(total)/took.Seconds()/1e6, "MB/s")
		if err := nodetest.SameFiles(c.Master().Home, w.Home, true); err != nil {
			b.Fatalf("trees differ after the sync: %v", err)
		}
		c.Stop()
		b.StartTimer()
	}
	b.SetBytes(total)
}

// masterScanned reports whether the master's local integrity has hashed want files.
func masterScanned(c *nodetest.Cluster, want int) error {
	kit := c.Master().Node().Kit()
	res, err := kit.System.Root.RequestFuture(kit.System.NewLocalPID(actors.Path(actors.NameLocalIntegrity)),
		&actors.IntegrityQuery{}, 5*time.Second).Result()
	if err != nil {
		return err
	}
	if n := res.(*actors.IntegrityQueryReply).Files; n < want {
		return fmt.Errorf("master has hashed %d files", n)
	}
	return nil
}

// BenchmarkOneChangedFile measures the time from writing one file on the master, among 50,000
// synced files, to the new content in place on a worker.
func BenchmarkOneChangedFile(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 50,000-file tree")
	}
	src, _ := benchTree(b, "onechange-50000", 50000, 256, 40<<10)
	c := nodetest.Start(b, nodetest.Options{Workers: 1, NoStore: true, Tune: func(in *config.Internal) {
		in.Worker.SyncIntegrity = time.Hour // only the master's push can be fast
		in.Master.RecalculateIntegrity = time.Hour
		in.Communication.TimeoutClusterRequest = 60 * time.Second
	}})
	copyTree(b, src, c.Master().Home)
	w := c.Workers()[0]
	nodetest.Eventually(b, 10*time.Minute, func() error {
		n, _ := countFiles(filepath.Join(w.Home, "etc", "shared"))
		if n < 50000 {
			return fmt.Errorf("%d files so far", n)
		}
		return nil
	})
	rel := "etc/shared/group-007/file-00700.conf"
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf("<agent_config><!-- change %d --></agent_config>\n", i)
		if err := c.Master().WriteFile(rel, body); err != nil {
			b.Fatal(err)
		}
		nodetest.Eventually(b, time.Minute, func() error {
			got, err := os.ReadFile(filepath.Join(w.Home, rel))
			if err != nil || string(got) != body {
				return errors.New("not yet")
			}
			return nil
		})
	}
}

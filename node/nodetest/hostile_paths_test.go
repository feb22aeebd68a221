package nodetest_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// hostilePackage lays out members (name, plain content) as an integrity package does (§5.3:
// name, path separator, zlib body, entries joined by the entry separator) without checking the
// names, as a hostile peer would.
func hostilePackage(t testing.TB, members ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	for i, m := range members {
		if i > 0 {
			b.WriteString("|@@//@@|")
		}
		b.WriteString(m[0] + "|//@@//|")
		zw := zlib.NewWriter(&b)
		if _, err := zw.Write([]byte(m[1])); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// metadataEntry is one files_metadata.json value, valid in every member but its path.
const metadataEntry = `{"mod_time": 1700000000.0, "cluster_item_key": "etc/shared/", "merged": false, "hash": "0000000000000000000000000000000000000000"}`

// victims are files a path traversal would overwrite or remove, with what they hold, and a
// name just outside home that one would create.
type victims struct {
	files   map[string]string // absolute path → content
	outside string
}

func plantVictims(t *testing.T, home string) victims {
	t.Helper()
	v := victims{files: map[string]string{}, outside: filepath.Join(filepath.Dir(home), "evil-"+filepath.Base(home))}
	for rel, body := range map[string]string{
		"etc/client.keys":  "001 victim any 0123456789abcdef\n",
		"etc/ossec.conf":   "<ossec_config/>\n",
		"etc/precious.txt": "precious\n",
	} {
		path := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
		v.files[path] = body
	}
	t.Cleanup(func() { _ = os.RemoveAll(v.outside) })
	return v
}

// intact fails the test if a victim changed or something appeared where only a traversal could
// have put it: outside home, or "evil" anywhere under home's etc.
func (v victims) intact(t *testing.T, home string) {
	t.Helper()
	for path, body := range v.files {
		if got, err := os.ReadFile(path); err != nil || string(got) != body {
			t.Fatalf("%s was touched: %q, %v", path, got, err)
		}
	}
	if _, err := os.Lstat(v.outside); err == nil {
		t.Fatalf("%s was created outside home", v.outside)
	}
	_ = filepath.WalkDir(filepath.Join(home, "etc"), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), "evil") {
			t.Fatalf("%s was created", path)
		}
		return nil
	})
}

// traversalPaths are file-transfer paths (§3.2) that leave queue/cluster, for a peer called
// name whose home's parent holds outside.
func traversalPaths(name, outside string) []string {
	escape := "../../../../" + filepath.Base(outside)
	return []string{
		"/etc/client.keys",
		"/etc/evil",
		"/queue/cluster/../../etc/client.keys",
		"/queue/cluster/" + name + "/../../../etc/ossec.conf",
		"/queue/cluster/" + name + "/" + escape,
		"queue/cluster/../../etc/evil",
		"/queue/cluster2/evil",
		"/queue/cluster/" + name + "/evil\x00.zip",
		"/queue/cluster/" + name + "/../../../etc/precious.txt",
	}
}

// refusesFileTransfers sends each path's new_file, file_upd and file_end through r and checks
// that new_file is refused with Wazuh's text and that nothing of the transfer is accepted.
func refusesFileTransfers(t *testing.T, r wire.Requester, paths []string) {
	t.Helper()
	ctx := context.Background()
	body := []byte("evil contents")
	sum := sha256.Sum256(body)
	for _, path := range paths {
		f, err := r.Request(ctx, messages.CmdNewFile, []byte(path))
		if err != nil || f.Command != messages.CmdErr || string(f.Payload) != wire.ReplyWritePathNotAllowed {
			t.Fatalf("new_file %q answered %s %q (%v), want err %q", path, f.Command, f.Payload, err, wire.ReplyWritePathNotAllowed)
		}
		f, err = r.Request(ctx, messages.CmdFileUpd, append([]byte(path+" "), body...))
		if err != nil || f.Command == messages.CmdOK {
			t.Fatalf("file_upd %q answered %s %q (%v)", path, f.Command, f.Payload, err)
		}
		f, err = r.Request(ctx, messages.CmdFileEnd, append([]byte(path+" "), sum[:]...))
		if err != nil || f.Command == messages.CmdOK {
			t.Fatalf("file_end %q answered %s %q (%v)", path, f.Command, f.Payload, err)
		}
	}
}

// grantedIntegrity asks the master for integrity permission until it grants it, rescanning
// so that each ask falls in a new cycle, then opens the check and returns its task id.
func grantedIntegrity(t *testing.T, c *nodetest.Cluster, p *nodetest.RawPeer) string {
	t.Helper()
	kit := c.Master().Node().Kit()
	nodetest.Eventually(t, 10*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			kit.System.Root.Send(kit.System.NewLocalPID(actors.Path(actors.NameLocalIntegrity)), &actors.RescanIntegrity{})
			return fmt.Errorf("permission %s", got)
		}
		return nil
	})
	f := p.Call(messages.CmdSynIWM, nil)
	if f.Command != messages.CmdOK || len(f.Payload) != 36 {
		t.Fatalf("syn_i_w_m answered %s %q", f.Command, f.Payload)
	}
	return string(f.Payload)
}

// Path traversal from a worker to the master, on the wire and in integrity packages: new_file
// outside queue/cluster is refused with "Write path not allowed" and nothing of the transfer
// lands; syn_i_w_m_e naming a package outside the worker's own queue folder is refused with
// 3027 (the master removes a package once read, so accepting one would delete the file named);
// and packages whose member names or metadata paths climb out are refused whole. No victim file
// changes, nothing appears outside home, the master lets the worker try again, and the
// connected worker keeps its connection and keeps receiving the master's files.
func TestPathTraversalFromAWorkerIsRefused(t *testing.T) {
	// The raw worker sends no keepalives: it must not be dropped for that on a slow machine.
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Minute
	}})
	m := c.Master()
	v := plantVictims(t, m.Home)
	t0 := time.Now()
	p := helloRaw(t, c, "pathworker")

	refusesFileTransfers(t, p, traversalPaths("pathworker", v.outside))
	v.intact(t, m.Home)

	task := grantedIntegrity(t, c, p)
	for _, rel := range []string{
		"queue/cluster/pathworker/../../../etc/client.keys",
		"queue/cluster/pathworker/../../../etc/precious.txt",
		"queue/cluster/worker1/../../../etc/ossec.conf",
		"/etc/client.keys",
		"queue/cluster/pathworker",
		"queue/cluster/pathworker/../../../../" + filepath.Base(v.outside),
	} {
		if got := nodetest.WazuhCode(t, p.Call(messages.CmdSynIWME, []byte(task+" "+rel))); got != 3027 {
			t.Fatalf("syn_i_w_m_e %q: code %d, want 3027", rel, got)
		}
	}
	v.intact(t, m.Home)

	// A package is extracted four levels below home (queue/cluster/<worker>/<package>.dir).
	toHome := "../../../../"
	packages := map[string][]byte{
		"member climbing out": hostilePackage(t, [2]string{toHome + "etc/precious.txt", "pwned"}, [2]string{"files_metadata.json", "{}"}),
		"member out of home": hostilePackage(t, [2]string{toHome + "../" + filepath.Base(v.outside), "pwned"},
			[2]string{"files_metadata.json", "{}"}),
		"absolute member": hostilePackage(t, [2]string{filepath.Join(m.Home, "etc/precious.txt"), "pwned"}, [2]string{"files_metadata.json", "{}"}),
		"metadata climbing out": hostilePackage(t, [2]string{"files_metadata.json",
			`{"etc/shared/../../etc/precious.txt": ` + metadataEntry + `, "../evil": ` + metadataEntry + `}`}),
	}
	for name, pkg := range packages {
		if task == "" {
			task = grantedIntegrity(t, c, p)
		}
		rel := fmt.Sprintf("queue/cluster/pathworker/pathworker-%d.zip", time.Now().UnixNano())
		if err := wire.SendFile(context.Background(), p, "/"+rel, bytes.NewReader(pkg), wire.RequestChunk, func() bool { return false }); err != nil {
			t.Fatalf("%s: send the package: %v", name, err)
		}
		if f := p.Call(messages.CmdSynIWME, []byte(task+" "+rel)); f.Command != messages.CmdOK {
			t.Fatalf("%s: syn_i_w_m_e answered %s %q", name, f.Command, f.Payload)
		}
		task = ""
		// The master is done with the package once it lets the worker check again.
		task = grantedIntegrity(t, c, p)
		v.intact(t, m.Home)
		left, _ := filepath.Glob(filepath.Join(m.Home, rel+"*"))
		if len(left) > 0 {
			t.Fatalf("%s: the package or its extraction is left behind: %v", name, left)
		}
	}

	keptConnected(t, c, t0)
	if err := m.WriteFile("etc/shared/default/after-traversal.conf", "<agent_config/>\n"); err != nil {
		t.Fatal(err)
	}
	waitSameFiles(t, c, 20*time.Second)
}

// pushPackage sends pkg to the worker as a master sends its integrity package (§5.6: syn_m_c,
// the file transfer, syn_m_c_e) and waits until the worker is done with it: it removes the
// package and its extraction once applied or refused.
func pushPackage(t *testing.T, fm *fakeMaster, w *nodetest.Member, name string, pkg []byte) {
	t.Helper()
	f := fm.request(messages.CmdSynMC, nil)
	if f.Command != messages.CmdOK || len(f.Payload) != 36 {
		t.Fatalf("%s: syn_m_c answered %s %q", name, f.Command, f.Payload)
	}
	task := string(f.Payload)
	rel := "queue/cluster/worker1/" + name + ".zip"
	if err := wire.SendFile(context.Background(), fm, "/"+rel, bytes.NewReader(pkg), wire.RequestChunk, func() bool { return false }); err != nil {
		t.Fatalf("%s: send the package: %v", name, err)
	}
	if f := fm.request(messages.CmdSynMCE, []byte(task+" "+rel)); f.Command != messages.CmdOK {
		t.Fatalf("%s: syn_m_c_e answered %s %q", name, f.Command, f.Payload)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if left, _ := filepath.Glob(filepath.Join(w.Home, rel+"*")); len(left) > 0 {
			return fmt.Errorf("%s: the worker still holds %v", name, left)
		}
		return nil
	})
}

// masterDiff is the files_metadata.json of a master package (§5.8) with the given sections.
func masterDiff(missing, extra, shared string) string {
	return `{"missing": {` + missing + `}, "extra": {` + extra + `}, "shared": {` + shared + `}}`
}

// Path traversal from a master to a worker: the same file-transfer paths are refused by the
// worker with "Write path not allowed"; syn_m_c_e naming a package outside the worker's queue
// folder is refused with 3027; and packages whose member names or metadata climb out, or whose
// entries lie outside their cluster item (§5.8: error 3022 in Wazuh), write and remove nothing,
// while a package that stays inside is applied. The worker keeps its one connection and keeps
// answering the master.
func TestPathTraversalFromAMasterIsRefused(t *testing.T) {
	fm := startFakeMaster(t)
	w := nodetest.StartWorkerOf(t, fm.addr(), nodetest.Options{NoStore: true})
	select {
	case <-fm.hellos:
	case <-time.After(15 * time.Second):
		t.Fatal("the worker never said hello")
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if ok, err := w.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("worker not connected (%v)", err)
		}
		return nil
	})
	v := plantVictims(t, w.Home)
	base := runtime.NumGoroutine()

	refusesFileTransfers(t, fm, traversalPaths("worker1", v.outside))
	v.intact(t, w.Home)

	// A package that stays inside is applied: the refusals below are not for want of a push.
	inside := `"etc/shared/default/fromfake.conf": ` + metadataEntry
	pushPackage(t, fm, w, "inside", hostilePackage(t, [2]string{"etc/shared/default/fromfake.conf", "<agent_config/>\n"},
		[2]string{"files_metadata.json", masterDiff(inside, "", "")}))
	if got, err := os.ReadFile(filepath.Join(w.Home, "etc/shared/default/fromfake.conf")); err != nil || string(got) != "<agent_config/>\n" {
		t.Fatalf("the package that stays inside was not applied: %q, %v", got, err)
	}

	f := fm.request(messages.CmdSynMC, nil)
	if f.Command != messages.CmdOK {
		t.Fatalf("syn_m_c answered %s %q", f.Command, f.Payload)
	}
	task := string(f.Payload)
	for _, rel := range []string{
		"queue/cluster/worker1/../../../etc/client.keys",
		"queue/cluster/worker1/../../../etc/precious.txt",
		"queue/cluster/other/../../../etc/ossec.conf",
		"/etc/client.keys",
		"queue/cluster/worker1",
		"queue/cluster/worker1/../../../../" + filepath.Base(v.outside),
	} {
		if got := nodetest.WazuhCode(t, fm.request(messages.CmdSynMCE, []byte(task+" "+rel))); got != 3027 {
			t.Fatalf("syn_m_c_e %q: code %d, want 3027", rel, got)
		}
	}
	v.intact(t, w.Home)

	// A package is extracted four levels below home (queue/cluster/worker1/<package>.stream).
	toHome := "../../../../"
	escape := toHome + "../" + filepath.Base(v.outside)
	entry := func(path, item string) string {
		return `"` + path + `": {"mod_time": 1700000000.0, "cluster_item_key": "` + item + `", "merged": false, "hash": "0"}`
	}
	for name, pkg := range map[string][]byte{
		"member-climbing-out": hostilePackage(t, [2]string{toHome + "etc/precious.txt", "pwned"},
			[2]string{"files_metadata.json", masterDiff(entry("etc/client.keys", "etc/"), "", "")}),
		"member-out-of-home": hostilePackage(t, [2]string{escape, "pwned"},
			[2]string{"files_metadata.json", masterDiff(entry(escape, "etc/shared/"), "", "")}),
		"absolute-member": hostilePackage(t, [2]string{filepath.Join(w.Home, "etc/precious.txt"), "pwned"},
			[2]string{"files_metadata.json", masterDiff("", "", "")}),
		"metadata-climbing-out": hostilePackage(t, [2]string{"etc/shared/evil.conf", "pwned"},
			[2]string{"files_metadata.json", masterDiff(entry("etc/shared/../../etc/precious.txt", "etc/shared/"), "", "")}),
		"outside-its-item": hostilePackage(t, [2]string{"etc/ossec.conf", "pwned"}, [2]string{"etc/evil.conf", "pwned"},
			[2]string{"files_metadata.json", masterDiff(entry("etc/ossec.conf", "etc/")+", "+entry("etc/evil.conf", "etc/shared/"),
				entry("etc/precious.txt", "etc/"), "")}),
	} {
		pushPackage(t, fm, w, name, pkg)
		v.intact(t, w.Home)
	}

	if n := fm.accepts.Load(); n != 1 {
		t.Fatalf("the worker connected %d times: it lost its connection", n)
	}
	if f := fm.request(messages.CmdEchoM, []byte("keepalive")); f.Command != messages.CmdOKC || string(f.Payload) != "keepalive" {
		t.Fatalf("echo-m answered %s %q", f.Command, f.Payload)
	}
	if ok, err := w.WorkerConnected(); err != nil || !ok {
		t.Fatalf("the worker does not see itself connected (%v)", err)
	}
	goroutinesBackTo(t, base, 10)
}

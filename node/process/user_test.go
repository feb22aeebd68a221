package process

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// dropHelperEnv makes the test binary, started again by TestDropRunsEveryThreadAsTheUser,
// drop to nobody and report instead of testing.
const dropHelperEnv = "CLUSTERD_TEST_DROP_REPORT"

// nobody is the unprivileged user and group the drop is tested with: the wazuh ones rarely
// exist where the tests run, and Drop takes any.
func nobody(t *testing.T) Credentials {
	t.Helper()
	for _, group := range []string{"nogroup", "nobody"} {
		if c, err := LookupCredentials("nobody", group); err == nil {
			return c
		}
	}
	t.Skip("no nobody user and group here")
	return Credentials{}
}

// Started as root, the process drops to the user and group on every thread, keeps no
// supplementary group, cannot get root back, and creates its files as that user. Only root
// can test it, in a process of its own (the drop cannot be undone).
func TestDropRunsEveryThreadAsTheUser(t *testing.T) {
	if report := os.Getenv(dropHelperEnv); report != "" {
		dropAndReport(t, report)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("dropping root's rights needs root")
	}
	c := nobody(t)
	// Not t.TempDir: its parent is root's alone, and the dropped process must reach the folder.
	dir, err := os.MkdirTemp("", "clusterd-drop-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDropRunsEveryThreadAsTheUser$", "-test.count=1")
	cmd.Env = append(os.Environ(), dropHelperEnv+"="+report)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the dropping process: %v\n%s", err, out)
	}
	text, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) < 4 {
		t.Fatalf("report:\n%s", text)
	}
	want := fmt.Sprintf("Uid:\t%[1]d\t%[1]d\t%[1]d\t%[1]d Gid:\t%[2]d\t%[2]d\t%[2]d\t%[2]d Groups:\t%[2]d", c.UID, c.GID)
	threads := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "thread "):
			threads++
			if _, ids, _ := strings.Cut(l, ": "); strings.TrimSpace(ids) != want {
				t.Errorf("%s, want %q", l, want)
			}
		case strings.HasPrefix(l, "file "):
			if l != fmt.Sprintf("file %d:%d", c.UID, c.GID) {
				t.Errorf("%s, want the user's", l)
			}
		case strings.HasPrefix(l, "root back "):
			if l != "root back refused" {
				t.Errorf("%s", l)
			}
		}
	}
	if threads < 2 {
		t.Fatalf("%d threads reported:\n%s", threads, text)
	}
}

// dropAndReport runs in the helper process: it makes several threads, drops to nobody, and
// writes each thread's ids, the owner of a file it creates, and whether root comes back.
func dropAndReport(t *testing.T, report string) {
	c := nobody(t)
	// Threads locked before the drop: the drop must reach them too.
	var ready, release sync.WaitGroup
	release.Add(1)
	for range 4 {
		ready.Add(1)
		go func() {
			runtime.LockOSThread()
			ready.Done()
			release.Wait()
		}()
	}
	ready.Wait()
	defer release.Done()
	if err := Drop(c); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		f, err := os.Open(filepath.Join("/proc/self/task", task.Name(), "status"))
		if err != nil {
			continue // a thread that ended
		}
		var ids []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			for _, key := range []string{"Uid:", "Gid:", "Groups:"} {
				if strings.HasPrefix(sc.Text(), key) {
					ids = append(ids, strings.TrimSpace(sc.Text()))
				}
			}
		}
		f.Close()
		fmt.Fprintf(&out, "thread %s: %s\n", task.Name(), strings.Join(ids, " "))
	}
	file := filepath.Join(filepath.Dir(report), "created")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "file %d:%d\n", st.Uid, st.Gid)
	if err := syscall.Setuid(0); err != nil {
		out.WriteString("root back refused\n")
	} else {
		out.WriteString("root back granted\n")
	}
	if err := os.WriteFile(report, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Where the user or the group does not exist, the lookup says so, with the error the daemon
// refuses to start with.
func TestLookupCredentialsOfAMissingUser(t *testing.T) {
	if _, err := LookupCredentials("clusterd-no-such-user", "clusterd-no-such-group"); !errors.Is(err, ErrNoWazuhUser) {
		t.Fatalf("%v", err)
	}
}

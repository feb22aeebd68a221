package actors

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
)

// buildTestPackage writes a master package creating etc/shared/default/agent.conf at
// home/rel and returns the file's contents.
func buildTestPackage(t *testing.T, home, rel string) []byte {
	t.Helper()
	src := t.TempDir()
	body := []byte("<agent_config></agent_config>\n")
	name := "etc/shared/default/agent.conf"
	if err := os.MkdirAll(filepath.Join(src, "etc/shared/default"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, name), body, 0o640); err != nil {
		t.Fatal(err)
	}
	diff := integrity.Diff{Missing: integrity.Metadata{name: {ClusterItemKey: "etc/shared/", Hash: "h"}}}
	if err := os.MkdirAll(filepath.Dir(filepath.Join(home, rel)), 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(home, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := integrity.BuildMasterPackage(f, src, diff, 1, 0, 1<<30); err != nil {
		t.Fatal(err)
	}
	return body
}

// A package whose stream failed is read again from the received file; one whose stream
// succeeded is applied from what the stream extracted. Either way nothing is left behind.
func TestApplyMasterPackageStreams(t *testing.T) {
	rel := "queue/cluster/worker1/worker1-1.0-00.zip"
	for name, stream := range map[string]func(home string) *packageStream{
		"no stream": func(string) *packageStream { return nil },
		"failed stream": func(home string) *packageStream {
			return finishedStream(filepath.Join(home, rel)+".stream", nil, nil, errors.New("transfer discarded"))
		},
		"extracted while received": func(home string) *packageStream {
			path := filepath.Join(home, rel)
			files, meta, err := integrity.ReadPackage(path, path+".stream", 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			// The stream has the files: the received package itself is not needed again.
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			return finishedStream(path+".stream", files, meta, nil)
		},
	} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			body := buildTestPackage(t, home, rel)
			res := applyMasterPackage(home, rel, 1<<30, stream(home))
			if res.err != nil || len(res.diff.Missing) != 1 {
				t.Fatalf("apply: %+v", res)
			}
			got, err := os.ReadFile(filepath.Join(home, "etc/shared/default/agent.conf"))
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("applied file = %q, %v", got, err)
			}
			left, _ := os.ReadDir(filepath.Join(home, "queue/cluster/worker1"))
			if len(left) != 0 {
				t.Fatalf("left in the queue folder: %v", left)
			}
		})
	}
}

func finishedStream(dest string, files map[string]string, meta []byte, err error) *packageStream {
	st := &packageStream{dest: dest, cancel: func() {}, done: make(chan struct{}), files: files, metadata: meta, err: err}
	close(st.done)
	return st
}

// A stream that read its package from memory and failed leaves no received file to fall back
// on: the apply reports the stream's failure, and applies nothing.
func TestApplyMasterPackageFailedStreamFromMemory(t *testing.T) {
	rel := "queue/cluster/worker1/worker1-1.0-00.zip"
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "queue/cluster/worker1"), 0o750); err != nil {
		t.Fatal(err)
	}
	cause := errors.New("member body truncated")
	res := applyMasterPackage(home, rel, 1<<30, finishedStream(filepath.Join(home, rel)+".stream", nil, nil, cause))
	if !errors.Is(res.err, cause) {
		t.Fatalf("apply: %v, want the stream's failure", res.err)
	}
	if _, err := os.Stat(filepath.Join(home, "etc")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("something was applied: %v", err)
	}
}

// The job that applies a package logs how it ended itself: the actor that started it may be
// gone by then (its connection closed), and a sync that says "Starting." must say how it ended.
func TestApplyReportLogsTheEnd(t *testing.T) {
	home := t.TempDir()
	rel := "queue/cluster/worker1/worker1-1.0-00.zip"
	buildTestPackage(t, home, rel)
	var out bytes.Buffer
	logger := logrus.New()
	logger.SetOutput(&out)
	report := applyReport{log: logrus.NewEntry(logger), registry: NewRegistry(time.Now), path: "x",
		now: time.Now, started: time.Now()}
	report.write(applyMasterPackage(home, rel, 1<<30, nil))
	if !strings.Contains(out.String(), "Finished in") {
		t.Fatalf("an applied package logged %q, no end", out.String())
	}
	out.Reset()
	report.write(applyMasterPackage(home, "queue/cluster/worker1/missing.zip", 1<<30, nil))
	if !strings.Contains(out.String(), "Error updating the files from the master") {
		t.Fatalf("a package that could not be read logged %q, no error", out.String())
	}
}

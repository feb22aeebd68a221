package remoted

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// udpPushPause is Wazuh's pause every udpPushBurst chunks of a push over UDP.
const (
	udpPushBurst = 30
	udpPushPause = time.Second
)

// sharedSums caches the MD5 of merged.mg files, re-read when a file's size,
// mtime or inode changes, so a keepalive costs a stat, not a hash.
type sharedSums struct {
	home   string
	mu     sync.Mutex
	byPath map[string]sharedFile
}

type sharedFile struct {
	stamp fileStamp
	sum   string
}

func newSharedSums(home string) *sharedSums {
	return &sharedSums{home: home, byPath: make(map[string]sharedFile)}
}

// mergedPath is the merged.mg of a group list: etc/shared/<g>/merged.mg for
// one group, var/multigroups/<first 8 hex of sha256("g1,g2")>/merged.mg for several.
func (c *sharedSums) mergedPath(groups []string) string {
	if len(groups) == 1 {
		return filepath.Join(c.home, "etc", "shared", groups[0], "merged.mg")
	}
	h := sha256.Sum256([]byte(strings.Join(groups, ",")))
	return filepath.Join(c.home, "var", "multigroups", hex.EncodeToString(h[:4]), "merged.mg")
}

// sum returns the file's MD5 ("" when it does not exist).
func (c *sharedSums) sum(path string) (string, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	stamp := fileStamp{info: fi, mtime: fi.ModTime(), size: fi.Size()}
	c.mu.Lock()
	cached, ok := c.byPath[path]
	c.mu.Unlock()
	if ok && cached.stamp.same(stamp) {
		return cached.sum, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	d := md5.Sum(b)
	sum := hex.EncodeToString(d[:])
	c.mu.Lock()
	c.byPath[path] = sharedFile{stamp: stamp, sum: sum}
	c.mu.Unlock()
	return sum, nil
}

// assignTimeout bounds a default-group assignment made for a keepalive. It runs off the status
// worker (assignLater), so a slow master stalls no other agent; given up sooner, an answer
// delayed by a busy master (thousands of new agents at once) was thrown away and asked again
// at the next keepalive, the master's work done twice.
const assignTimeout = 30 * time.Second

// sharedDecision is the merged.mg state of one keepalive.
type sharedDecision struct {
	path     string
	sum      string // the group's merged.mg md5 ("" unknown)
	needPush bool   // the agent reports none or another sum
	// assigning: the agent has no group yet and one is being assigned; its configuration is
	// not in sync with any group until then.
	assigning bool
}

// sharedState finds the agent's group and compares the group's merged.mg md5 with the reported
// one. An agent without a group that reports a merged.mg line gets one assigned in the
// background (assignLater), which pushes the group's file once it is known.
func (s *Server) sharedState(a *agent, k *agentKey, ka agentproto.Keepalive) (sharedDecision, error) {
	groups, err := s.st.AgentGroups(s.ctx, k.id)
	if err != nil {
		return sharedDecision{}, fmt.Errorf("agent groups: %w", err)
	}
	if len(groups) == 0 && ka.MergedSum != "" && s.assign != nil {
		s.assignLater(a, k, ka.MergedSum)
		return sharedDecision{assigning: true}, nil
	}
	return s.sharedOf(groups, ka.MergedSum)
}

// sharedOf is the merged.mg state of an agent in groups that reported reported.
func (s *Server) sharedOf(groups []string, reported string) (sharedDecision, error) {
	if len(groups) == 0 {
		return sharedDecision{}, nil
	}
	path := s.shared.mergedPath(groups)
	sum, err := s.shared.sum(path)
	if err != nil || sum == "" {
		return sharedDecision{}, err
	}
	return sharedDecision{path: path, sum: sum, needPush: reported != sum}, nil
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/nodetest"
)

var keyReply = regexp.MustCompile(`^OSSEC K:'(\d{3,} \S+ \S+ [0-9a-f]{64})'$`)

// enrollLoad enrolls agents through one node at a steady rate until stop, and records the
// client.keys line of every enrollment the node acknowledged; a refused or failed one (the
// node killed, no acting master for a moment) is not acknowledged and not counted.
func enrollLoad(node, addr string, every time.Duration, stop <-chan struct{}, record func(line string)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		reply, err := nodetest.EnrollAt(ctx, addr, fmt.Sprintf("OSSEC A:'%s-%d' V:'v4.14.7'", node, i))
		cancel()
		if m := keyReply.FindStringSubmatch(reply); err == nil && m != nil {
			record(m[1])
		}
	}
}

// clientKeys reads a node's client.keys: its active lines by id, and the ids given twice.
func clientKeys(home string) (map[string]string, []string, error) {
	f, err := os.Open(filepath.Join(home, "etc", "client.keys"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	byID, names := map[string]string{}, map[string]bool{}
	var twice []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 {
			continue
		}
		if _, dup := byID[fields[0]]; dup || (!strings.HasPrefix(fields[1], "!") && names[fields[1]]) {
			twice = append(twice, sc.Text())
		}
		byID[fields[0]] = sc.Text()
		names[fields[1]] = true
	}
	return byID, twice, sc.Err()
}

// Three master-eligible processes and two workers, production timers. Agents enroll through
// every node at a steady rate while the acting master is killed with SIGKILL; it comes back
// afterwards. Every enrollment any node acknowledged is then in every node's client.keys
// under the id it was given, and no id or name is used twice.
func TestEndToEndEnrollmentsSurviveKillOfTheActingMaster(t *testing.T) {
	if testing.Short() {
		t.Skip("five processes")
	}
	c := newReplicatedE2E(t)
	acting, _ := c.startAllAndWaitActing()
	all := replicatedNodes

	var mu sync.Mutex
	acked := map[string]string{} // id → client.keys line
	var reused []string
	record := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		id := strings.Fields(line)[0]
		if prev, ok := acked[id]; ok {
			reused = append(reused, prev+" / "+line)
		}
		acked[id] = line
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, n := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enrollLoad(n, net.JoinHostPort(c.procs[n].ip, "1515"), 100*time.Millisecond, stop, record)
		}()
	}
	poll.Until(t, time.Minute, "enrollments before the kill", func() bool { return count() >= 20 })
	before := count()
	c.signal(acting, syscall.SIGKILL)
	next, _, _ := c.waitActing("worker1", acting, nil, time.Minute)
	after := count()
	poll.Until(t, time.Minute, "enrollments through the new acting master", func() bool { return count() >= after+20 })
	close(stop)
	wg.Wait()
	t.Logf("killed %s; %s acting; %d enrollments acknowledged (%d before the kill)", acting, next, count(), before)
	if len(reused) > 0 {
		t.Fatalf("ids given twice: %v", reused)
	}

	c.start(acting) // back as a standby, catching up from the log
	poll.Every(250*time.Millisecond).Eventually(t, 2*time.Minute, "every acknowledged agent on every node", func() error {
		for _, n := range all {
			keys, twice, err := clientKeys(c.procs[n].home)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			if len(twice) > 0 {
				t.Fatalf("%s's client.keys gives an id or a name twice: %v", n, twice)
			}
			for id, line := range acked {
				if keys[id] != line {
					return fmt.Errorf("%s has %q for %s, acknowledged %q", n, keys[id], id, line)
				}
			}
		}
		return nil
	})
	// cluster_control -a is the same on every node (the master's view, relayed), and lists
	// every acknowledged agent.
	poll.Every(250*time.Millisecond).Eventually(t, time.Minute, "the same cluster_control -a everywhere", func() error {
		first := ""
		for _, n := range all {
			out, code := c.control(n, "-a")
			if code != 0 {
				return fmt.Errorf("cluster_control -a on %s exited %d: %s", n, code, out)
			}
			if first == "" {
				first = out
				for id, line := range acked {
					name := strings.Fields(line)[1]
					if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + `\s+` + regexp.QuoteMeta(name) + `\s`).MatchString(out) {
						return fmt.Errorf("cluster_control -a on %s lacks %s %s", n, id, name)
					}
				}
			} else if out != first {
				return fmt.Errorf("cluster_control -a differs on %s:\n%s\nand %s:\n%s", all[0], first, n, out)
			}
		}
		return nil
	})
}

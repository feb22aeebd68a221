package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// BenchmarkFloodMemory measures the resident memory of a real master process while peers flood
// its cluster port, with a real worker connected throughout:
//
//   - preauth: FLOOD_CONNS unauthenticated connections (10 per source address) each announce
//     256 MiB and send FLOOD_MIB MiB of junk;
//   - hostile: FLOOD_CONNS workers that completed their hello each stream FLOOD_MIB MiB of
//     divided parts over ten counters, never finishing a message;
//   - agentinfo: FLOOD_CONNS workers that completed their hello each send an agent-info
//     document of FLOOD_AGENTS agents the master does not know (1,000,000 by default: 215 MiB)
//     and wait for the master's result.
//
// It reports the master's peak RSS (VmHWM) and fails if the worker lost its connection. Run it
// alone, one scenario at a time:
//
//	FLOOD=preauth FLOOD_CONNS=10 FLOOD_MIB=200 go test -run '^$' -bench FloodMemory -benchtime 1x ./cmd/clusterd/
func BenchmarkFloodMemory(b *testing.B) {
	scenario := os.Getenv("FLOOD")
	if scenario == "" {
		b.Skip("set FLOOD=preauth or FLOOD=hostile")
	}
	conns := envInt(b, "FLOOD_CONNS", 10)
	mib := envInt(b, "FLOOD_MIB", 200)
	var agentInfoDoc []byte
	if scenario == "agentinfo" {
		agentInfoDoc = nodetest.FewFieldsAgentInfo(envInt(b, "FLOOD_AGENTS", 1_000_000), 10_000_000)
	}
	for b.Loop() {
		c := newE2E(b)
		if scenario == "agentinfo" {
			// The hostile workers send no keepalive while they send and wait.
			relaxMasterTimeouts(b, c.procs["master"], c.port)
		}
		c.start("master")
		c.start("worker1")
		c.waitWorkers(30*time.Second, "worker1")
		pid := c.procs["master"].cmd.Process.Pid
		before := procStatusKiB(b, pid, "VmRSS:")
		addr := net.JoinHostPort(c.procs["master"].ip, strconv.Itoa(c.port))
		var sent atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for i := range conns {
			// Ten connections per source address, Wazuh's per-address limit.
			src := &net.TCPAddr{IP: net.ParseIP(fmt.Sprintf("127.0.%d.%d", 150+i/10, 1+os.Getpid()%200))}
			d := net.Dialer{LocalAddr: src, Timeout: 5 * time.Second}
			nc, err := d.Dial("tcp", addr)
			must(b, err)
			defer nc.Close()
			switch scenario {
			case "preauth":
				wg.Go(func() { sent.Add(floodJunk(nc, uint32(i), wire.MaxTotalSize, mib<<20, false)) })
			case "hostile":
				helloFlood(b, nc, fmt.Sprintf("hostile%d", i))
				wg.Go(func() {
					for part := 0; part < mib/5; part++ {
						n := floodJunk(nc, uint32(1000+part%wire.MaxConcurrentDivided), 5<<20, 5<<20, true)
						sent.Add(n)
						if n < 5<<20 {
							return
						}
					}
				})
			case "agentinfo":
				helloFlood(b, nc, fmt.Sprintf("hostile%d", i))
				wg.Go(func() { sent.Add(floodAgentInfo(b, nc, agentInfoDoc)) })
			default:
				b.Fatalf("unknown scenario %q", scenario)
			}
		}
		wg.Wait()
		took := time.Since(start)
		// The worker is still listed, on the same connection or back on a new one.
		c.waitWorkers(30*time.Second, "worker1")
		peak := procStatusKiB(b, pid, "VmHWM:")
		out, _ := c.control("master", "-l")
		b.Logf("%s: %d connections, %d MiB of junk accepted by the socket in %s; master RSS %d MiB before, peak %d MiB\n%s",
			scenario, conns, sent.Load()>>20, took.Round(time.Millisecond), before>>10, peak>>10, out)
		b.ReportMetric(float64(peak>>10), "peak-rss-MiB")
		b.ReportMetric(float64(before>>10), "start-rss-MiB")
	}
}

func envInt(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		must(b, err)
		return n
	}
	return def
}

// procStatusKiB reads one figure of /proc/<pid>/status, in KiB.
func procStatusKiB(b *testing.B, pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	must(b, err)
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field) {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// floodJunk writes one header announcing size bytes and then up to total bytes of junk; it
// returns how many junk bytes the socket took before the peer closed it.
func floodJunk(nc net.Conn, counter uint32, size, total int, divided bool) int64 {
	hdr := make([]byte, wire.HeaderLen)
	wire.Header{Counter: counter, Size: uint32(size), Command: messages.CmdSendSync, Divided: divided}.Put(hdr)
	if _, err := nc.Write(hdr); err != nil {
		return 0
	}
	junk := make([]byte, 256<<10)
	var sent int64
	for sent < int64(total) {
		_ = nc.SetWriteDeadline(time.Now().Add(40 * time.Second))
		n, err := nc.Write(junk[:min(len(junk), total-int(sent))])
		sent += int64(n)
		if err != nil {
			break
		}
	}
	return sent
}

// helloFlood completes a worker's hello on nc with the cluster key.
func helloFlood(b *testing.B, nc net.Conn, name string) {
	cipher, err := wire.NewCipher(e2eKey)
	must(b, err)
	buf, err := wire.AppendMessage(nil, cipher, messages.Frame{Counter: 1, Command: messages.CmdHello,
		Payload: []byte(name + " wazuh worker 4.14.7")}, wire.RequestChunk)
	must(b, err)
	_, err = nc.Write(buf)
	must(b, err)
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	f, err := wire.NewReader(nc, cipher, wire.ReaderLimits{}).ReadFrame()
	must(b, err)
	if f.Command != messages.CmdOK {
		b.Fatalf("hello of %s answered %s %q", name, f.Command, f.Payload)
	}
	_ = nc.SetReadDeadline(time.Time{})
}

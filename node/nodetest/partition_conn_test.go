package nodetest

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// cutPair returns both ends of a connection from 127.0.0.2 accepted through a cutListener on
// 127.0.0.1: the accepted end goes through the network, the dialled one is plain.
func cutPair(t *testing.T, n *network) (accepted, dialled net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	cl := &cutListener{Listener: ln, net: n, local: "127.0.0.1"}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 2 * time.Second}
	dialled, err = d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dialled.Close() })
	accepted, err = cl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = accepted.Close() })
	return accepted, dialled
}

func readWithin(c net.Conn, d time.Duration) (string, error) {
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	return string(buf[:n]), err
}

// Across a cut nothing passes either way, within the deadlines; at the heal what was sent
// arrives, none of it lost.
func TestCutConnHoldsBytesUntilTheHeal(t *testing.T) {
	n := newNetwork()
	accepted, dialled := cutPair(t, n)
	n.partition([]string{"127.0.0.1"}, []string{"127.0.0.2"})

	if _, err := dialled.Write([]byte("across")); err != nil {
		t.Fatal(err)
	}
	if got, err := readWithin(accepted, 100*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) || got != "" {
		t.Fatalf("read across the cut: %q, %v", got, err)
	}
	_ = accepted.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := accepted.Write([]byte("back")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write across the cut: %v", err)
	}
	if got, err := readWithin(dialled, 100*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) || got != "" {
		t.Fatalf("the other end read %q, %v", got, err)
	}

	n.heal()
	if got, err := readWithin(accepted, 2*time.Second); err != nil || got != "across" {
		t.Fatalf("after the heal: %q, %v", got, err)
	}
	_ = accepted.SetWriteDeadline(time.Time{})
	if _, err := accepted.Write([]byte("back")); err != nil {
		t.Fatal(err)
	}
	if got, err := readWithin(dialled, 2*time.Second); err != nil || got != "back" {
		t.Fatalf("the other end after the heal: %q, %v", got, err)
	}
}

// A read already waiting when the cut begins keeps what it then gets for after the heal.
func TestCutConnHoldsWhatAReadGetsAsTheCutBegins(t *testing.T) {
	n := newNetwork()
	accepted, dialled := cutPair(t, n)
	type result struct {
		got string
		err error
	}
	done := make(chan result, 1)
	_ = accepted.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	go func() {
		buf := make([]byte, 64)
		k, err := accepted.Read(buf)
		done <- result{string(buf[:k]), err}
	}()
	n.partition([]string{"127.0.0.1"}, []string{"127.0.0.2"})
	if _, err := dialled.Write([]byte("late")); err != nil {
		t.Fatal(err)
	}
	if r := <-done; !errors.Is(r.err, os.ErrDeadlineExceeded) || r.got != "" {
		t.Fatalf("read during the cut: %q, %v", r.got, r.err)
	}
	n.heal()
	if got, err := readWithin(accepted, 2*time.Second); err != nil || got != "late" {
		t.Fatalf("after the heal: %q, %v", got, err)
	}
}

// An end closed during a cut returns at once to its own user, and its peer learns of the close
// only at the heal.
func TestCutConnCloseCrossesAtTheHeal(t *testing.T) {
	n := newNetwork()
	accepted, dialled := cutPair(t, n)
	n.partition([]string{"127.0.0.2"}, []string{"127.0.0.1"})
	blocked := make(chan error, 1)
	go func() {
		_, err := accepted.Read(make([]byte, 8))
		blocked <- err
	}()
	if err := accepted.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-blocked:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("the blocked read returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a read on the closed end is still blocked")
	}
	if _, err := readWithin(dialled, 100*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the peer saw %v across the cut", err)
	}
	n.heal()
	if _, err := readWithin(dialled, 2*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("the peer after the heal: %v, want EOF", err)
	}
}

// Only the pairs cut apart are: a third address still passes.
func TestPartitionCutsOnlyThePairsNamed(t *testing.T) {
	n := newNetwork()
	n.partition([]string{"a"}, []string{"b", "c"})
	n.partition([]string{"d"}, []string{"a"})
	for _, c := range []struct {
		x, y string
		cut  bool
	}{{"a", "b", true}, {"b", "a", true}, {"a", "c", true}, {"a", "d", true}, {"b", "c", false}, {"c", "d", false}, {"a", "a", false}} {
		if got := n.isCut(c.x, c.y); got != c.cut {
			t.Errorf("%s–%s cut %v, want %v", c.x, c.y, got, c.cut)
		}
	}
	n.heal()
	if n.isCut("a", "b") {
		t.Error("a–b still cut after the heal")
	}
}

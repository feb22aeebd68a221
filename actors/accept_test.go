package actors

import (
	"net"
	"testing"
)

// An accept loop halted twice (Restarting, then Stopping during the restart) stops once and
// leaves its listener open.
func TestAcceptLoopHaltsTwice(t *testing.T) {
	k := newTestKit(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a := startAcceptLoop(ln, k.System.Root, k.System.NewLocalPID("nobody"))
	a.halt()
	a.halt()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("the listener closed with its loop: %v", err)
	}
	nc.Close()
}

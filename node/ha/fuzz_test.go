package ha

import (
	"testing"

	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/clusterd/clusterd/messages"
)

// FuzzDecodeMessage: whatever a peer holding the key sends on the raft port is decoded or
// refused, never a crash, and only a message from a member to this one is taken.
func FuzzDecodeMessage(f *testing.F) {
	typ := pb.MessageType_MsgApp
	to, from, term := uint64(1), uint64(2), uint64(3)
	good, err := proto.Marshal(&pb.Message{Type: &typ, To: &to, From: &from, Term: &term,
		Entries: []*pb.Entry{{Data: []byte(`{"id":1,"op":"agent_add"}`)}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cmdRaft, good)
	f.Add(cmdRaft, []byte{})
	f.Add("hello", good)
	f.Add(cmdRaft, []byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	isPeer := func(id uint64) bool { return id == 2 || id == 3 }
	f.Fuzz(func(t *testing.T, command string, payload []byte) {
		m, err := decodeMessage(messages.Frame{Command: command, Payload: payload}, 1, isPeer)
		if err != nil {
			return
		}
		if command != cmdRaft || m.GetTo() != 1 || !isPeer(m.GetFrom()) {
			t.Fatalf("took %q %v", command, m)
		}
	})
}

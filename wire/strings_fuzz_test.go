package wire

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"testing"
	"time"
)

// A FuzzStringStore input is a program of operations, each encoded as
// <op byte> <uint16 big-endian length> <payload>. stringOp* name the operations.
const (
	stringOpNewStr      = iota // new_str with the payload as sent
	stringOpNewStrSized        // new_str announcing len(payload)
	stringOpStrUpd             // str_upd with the payload as sent
	stringOpStrUpdKnown        // str_upd "<an id handed out> <payload>"
	stringOpErrStr             // err_str with the payload as sent
	stringOpErrStrSized        // err_str announcing len(payload)
	stringOpTake               // Take of an id handed out
	stringOpSweep              // Sweep at a time moved on by payload[0] seconds
	stringOpCount
)

type stringOp struct {
	op      byte
	payload []byte
}

func encodeStringOps(ops ...stringOp) []byte {
	var program []byte
	for _, o := range ops {
		program = append(program, o.op)
		program = binary.BigEndian.AppendUint16(program, uint16(len(o.payload)))
		program = append(program, o.payload...)
	}
	return program
}

func decodeStringOps(program []byte) []stringOp {
	var ops []stringOp
	for len(program) >= 3 {
		op := program[0] % stringOpCount
		n := min(int(binary.BigEndian.Uint16(program[1:3])), len(program)-3)
		ops = append(ops, stringOp{op: op, payload: program[3 : 3+n]})
		program = program[3+n:]
	}
	return ops
}

func FuzzStringStore(f *testing.F) {
	// Seeds: the captured transfers, replayed with the receiver's own ids.
	var sizes, chunks [][]byte
	for _, rec := range loadJSONLines[capturedFrame](f, "live_capture_sample.jsonl") {
		switch rec.Cmd {
		case "new_str":
			sizes = append(sizes, rec.plaintext(f))
		case "str_upd":
			chunks = append(chunks, rec.plaintext(f))
		}
	}
	for i := range min(len(sizes), len(chunks)) {
		_, data, _ := bytes.Cut(chunks[i], []byte(" "))
		f.Add(encodeStringOps(
			stringOp{stringOpNewStr, sizes[i]},
			stringOp{stringOpStrUpd, chunks[i]}, // the real peer's id: unknown here
			stringOp{stringOpStrUpdKnown, data},
			stringOp{stringOpTake, nil},
		))
	}
	f.Add(encodeStringOps(
		stringOp{stringOpNewStrSized, make([]byte, 40)},
		stringOp{stringOpStrUpdKnown, []byte("\x00partial")},
		stringOp{stringOpErrStrSized, make([]byte, 40)},
		stringOp{stringOpNewStr, []byte("268435457")},
		stringOp{stringOpErrStr, []byte(" -1_0 ")},
		stringOp{stringOpSweep, []byte{200}},
	))

	f.Fuzz(func(t *testing.T, program []byte) {
		const maxTotal, maxOpen = 1 << 12, 8
		now := pendingEpoch
		store := NewStringStoreWithLimits(StringStoreLimits{
			MaxTotal: maxTotal, MaxOpen: maxOpen, TTL: time.Minute,
			Now: func() time.Time { return now },
		})
		var ids []string
		pickID := func(payload []byte) string {
			if len(ids) == 0 {
				return "0"
			}
			k := 0
			if len(payload) > 0 {
				k = int(payload[0])
			}
			return ids[k%len(ids)]
		}

		for _, o := range decodeStringOps(program) {
			var command string
			var reply []byte
			switch o.op {
			case stringOpNewStr:
				command, reply = store.Handle("new_str", o.payload)
			case stringOpNewStrSized:
				command, reply = store.Handle("new_str", []byte(strconv.Itoa(len(o.payload))))
			case stringOpStrUpd:
				command, reply = store.Handle("str_upd", o.payload)
			case stringOpStrUpdKnown:
				command, reply = store.Handle("str_upd", append([]byte(pickID(o.payload)+" "), o.payload...))
			case stringOpErrStr:
				command, reply = store.Handle("err_str", o.payload)
			case stringOpErrStrSized:
				command, reply = store.Handle("err_str", []byte(strconv.Itoa(len(o.payload))))
			case stringOpTake:
				id := pickID(o.payload)
				in, open := store.strings[id]
				data, ok := store.Take(id)
				if ok && (!open || len(data) != in.total) {
					t.Fatalf("Take(%s) returned %d bytes; open %v", id, len(data), open)
				}
				if _, still := store.strings[id]; still {
					t.Fatalf("string %s still open after Take", id)
				}
				command = "ok"
			case stringOpSweep:
				if len(o.payload) > 0 {
					now = now.Add(time.Duration(o.payload[0]) * time.Second)
				}
				store.Sweep(now)
				command = "ok"
			}

			switch command {
			case "ok", "error", "err":
			default:
				t.Fatalf("op %d answered with command %q", o.op, command)
			}
			if (o.op == stringOpNewStr || o.op == stringOpNewStrSized) && command == "ok" {
				if _, err := strconv.ParseUint(string(reply), 10, 32); err != nil {
					t.Fatalf("new_str answered id %q: %v", reply, err)
				}
				ids = append(ids, string(reply))
			}
			assertStringStoreInvariants(t, store, maxTotal, maxOpen)
		}
	})
}

func assertStringStoreInvariants(t *testing.T, store *StringStore, maxTotal, maxOpen int) {
	t.Helper()
	if store.Len() > maxOpen {
		t.Fatalf("%d strings open, limit %d", store.Len(), maxOpen)
	}
	reserved := 0
	for id, in := range store.strings {
		if len(in.data) > in.total || cap(in.data) > in.total {
			t.Fatalf("string %s holds %d bytes (capacity %d) for an announced %d", id, len(in.data), cap(in.data), in.total)
		}
		reserved += in.total
	}
	if reserved != store.reserved || reserved > maxTotal {
		t.Fatalf("reserved %d, sum of totals %d, limit %d", store.reserved, reserved, maxTotal)
	}
}

package wire

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openString sends new_str and returns the id, failing the test on any other reply.
func openString(t testing.TB, store *StringStore, size int) string {
	t.Helper()
	command, payload := store.Handle("new_str", []byte(strconv.Itoa(size)))
	if command != "ok" {
		t.Fatalf("new_str %d = %q %q, want ok", size, command, payload)
	}
	return string(payload)
}

func updateString(t *testing.T, store *StringStore, id string, data string) {
	t.Helper()
	command, payload := store.Handle("str_upd", []byte(id+" "+data))
	if command != "ok" || string(payload) != "String updated" {
		t.Fatalf("str_upd = %q %q, want ok String updated", command, payload)
	}
}

func TestStringStoreNewStrAnswersARandomDecimalID(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	ids := map[string]bool{}
	for range 20 {
		id := openString(t, store, 10)
		if _, err := strconv.ParseUint(id, 10, 32); err != nil {
			t.Fatalf("id %q is not a decimal uint32: %v", id, err)
		}
		ids[id] = true
	}
	if len(ids) != 20 || store.Len() != 20 {
		t.Fatalf("%d distinct ids, Len %d; want 20 and 20", len(ids), store.Len())
	}
}

func TestStringStoreRoundTripsAString(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 11)
	updateString(t, store, id, "hello ")
	updateString(t, store, id, "world")

	got, ok := store.Take(id)
	if !ok || string(got) != "hello world" {
		t.Fatalf("Take = %q, %v; want hello world", got, ok)
	}
	if _, ok := store.Take(id); ok || store.Len() != 0 {
		t.Fatal("a taken string is still in the store")
	}
}

func TestStringStoreEmptyStringIsCompleteAtOnce(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 0)
	if got, ok := store.Take(id); !ok || len(got) != 0 {
		t.Fatalf("Take of an empty string = %q, %v", got, ok)
	}
}

func TestStringStoreRefusesOversizeNewStrWithErrorCommand(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	command, payload := store.Handle("new_str", []byte(strconv.Itoa(MaxTotalSize+1)))
	if command != "error" || string(payload) != "Requested size exceeds maximum allowed limit" {
		t.Fatalf("oversize new_str = %q %q", command, payload)
	}
	command, _ = store.Handle("new_str", []byte("999999999999999999999999999"))
	if command != "error" {
		t.Fatalf("new_str beyond int64 = %q, want error", command)
	}
	if store.Len() != 0 {
		t.Fatalf("refused strings were kept: Len %d", store.Len())
	}
	openString(t, store, MaxTotalSize) // exactly the limit is allowed
}

func TestStringStoreDoesNotAllocateTheAnnouncedSize(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, MaxTotalSize)
	if c := cap(store.strings[id].data); c != 0 {
		t.Fatalf("new_str allocated %d bytes before any data arrived", c)
	}
	updateString(t, store, id, "abc")
	if c := cap(store.strings[id].data); c > 1024 {
		t.Fatalf("3 bytes of data grew the buffer to %d bytes", c)
	}
}

func TestStringStoreTruncatesStrUpdAtTheAnnouncedTotal(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 5)
	updateString(t, store, id, "abc")
	updateString(t, store, id, "defgh") // Wazuh keeps "de" and still answers String updated
	updateString(t, store, id, "ijk")

	got, ok := store.Take(id)
	if !ok || string(got) != "abcde" {
		t.Fatalf("Take = %q, %v; want abcde", got, ok)
	}
	if cap(got) > 5 {
		t.Fatalf("buffer grew to %d bytes past the announced 5", cap(got))
	}
}

func TestStringStoreStrUpdKeepsSpacesInsideTheData(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 7)
	updateString(t, store, id, " a b c ")
	if got, _ := store.Take(id); string(got) != " a b c " {
		t.Fatalf("Take = %q", got)
	}
}

func TestStringStoreTakeOfAnIncompleteStringFailsAndForgetsIt(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 10)
	updateString(t, store, id, "short")
	if _, ok := store.Take(id); ok {
		t.Fatal("Take of an incomplete string succeeded")
	}
	if store.Len() != 0 {
		t.Fatal("incomplete string kept after Take")
	}
	if _, ok := store.Take("12345"); ok {
		t.Fatal("Take of an unknown id succeeded")
	}
}

func TestStringStoreErrStrRemovesOneUnstartedBufferOfThatSize(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	started := openString(t, store, 4)
	updateString(t, store, started, "data")
	otherSize := openString(t, store, 5)
	first := openString(t, store, 4)
	second := openString(t, store, 4)

	command, payload := store.Handle("err_str", []byte("4"))
	if command != "ok" || string(payload) != first {
		t.Fatalf("err_str 4 = %q %q; want ok %s (the oldest unstarted buffer of size 4)", command, payload, first)
	}
	command, payload = store.Handle("err_str", []byte("4"))
	if command != "ok" || string(payload) != second {
		t.Fatalf("second err_str 4 = %q %q; want ok %s", command, payload, second)
	}
	command, payload = store.Handle("err_str", []byte("4"))
	if command != "ok" || string(payload) != "None" {
		t.Fatalf("third err_str 4 = %q %q; want ok None (only a started buffer is left)", command, payload)
	}
	if _, ok := store.strings[started]; !ok {
		t.Fatal("err_str removed a buffer that had data")
	}
	if _, ok := store.strings[otherSize]; !ok {
		t.Fatal("err_str removed a buffer of another size")
	}
}

func TestStringStoreErrStrTreatsALeadingNULAsUnstarted(t *testing.T) {
	// Wazuh tests re.match(b'[^\x00]', payload): only the first byte decides.
	store := NewStringStore(MaxTotalSize)
	id := openString(t, store, 3)
	updateString(t, store, id, "\x00ab")
	if command, payload := store.Handle("err_str", []byte("3")); command != "ok" || string(payload) != id {
		t.Fatalf("err_str = %q %q; want ok %s", command, payload, id)
	}
}

func TestStringStoreErrStrReleasesTheReservedSize(t *testing.T) {
	store := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 100})
	openString(t, store, 100)
	if command, _ := store.Handle("new_str", []byte("1")); command != "error" {
		t.Fatalf("new_str over the shared budget = %q, want error", command)
	}
	store.Handle("err_str", []byte("100"))
	openString(t, store, 100)
}

func TestStringStoreAnswersMalformedRequestsLikeWazuhDispatch(t *testing.T) {
	store := NewStringStore(MaxTotalSize)
	cases := []struct {
		command, payload string
		extraMessage     string
	}{
		{"new_str", "abc", "invalid literal for int() with base 10: b'abc'"},
		{"new_str", "", "invalid literal for int() with base 10: b''"},
		{"str_upd", "nospace", "not enough values to unpack (expected 2, got 1)"},
		{"str_upd", "404 data", "b'404'"},
		{"err_str", "x1", "invalid literal for int() with base 10: 'x1'"},
		{"err_str", "\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
	}
	for _, c := range cases {
		command, payload := store.Handle(c.command, []byte(c.payload))
		_, want := pyExceptionReply(c.extraMessage)
		if command != "err" || !bytes.Equal(payload, want) {
			t.Errorf("%s %q = %q %s\nwant err %s", c.command, c.payload, command, payload, want)
		}
		assertWazuhInternalError(t, payload, c.extraMessage)
	}
	command, payload := store.Handle("new_str", []byte("-1"))
	if command != "err" || !strings.Contains(string(payload), `"code": 1000`) {
		t.Errorf("negative new_str = %q %s, want err 1000", command, payload)
	}
	if store.Len() != 0 {
		t.Fatalf("malformed requests left %d strings", store.Len())
	}
}

// assertWazuhInternalError decodes an err payload the way a peer does and checks its fields.
func assertWazuhInternalError(t *testing.T, payload []byte, extraMessage string) {
	t.Helper()
	var decoded struct {
		Exc struct {
			Class  string `json:"__class__"`
			Object struct {
				Code         int    `json:"code"`
				ExtraMessage string `json:"extra_message"`
			} `json:"__object__"`
		} `json:"__wazuh_exception__"`
	}
	if err := json.Unmarshal(payload, &decoded); err != nil {
		t.Fatalf("err payload is not JSON: %v\n%s", err, payload)
	}
	if decoded.Exc.Class != "WazuhInternalError" || decoded.Exc.Object.Code != 1000 ||
		decoded.Exc.Object.ExtraMessage != extraMessage {
		t.Fatalf("decoded %+v, want WazuhInternalError 1000 %q", decoded.Exc, extraMessage)
	}
}

func TestStringStoreAnswersUnknownCommandsLikeWazuh(t *testing.T) {
	command, payload := NewStringStore(MaxTotalSize).Handle("new_file", []byte("/x"))
	if command != "err" || string(payload) != "unknown command 'b'new_file''" {
		t.Fatalf("got %q %q", command, payload)
	}
}

func TestStringStoreBoundsOpenStrings(t *testing.T) {
	store := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: MaxTotalSize, MaxOpen: 3})
	for range 3 {
		openString(t, store, 1)
	}
	command, payload := store.Handle("new_str", []byte("1"))
	if command != "error" || string(payload) != replyTooManyStrings {
		t.Fatalf("fourth new_str = %q %q, want error %q", command, payload, replyTooManyStrings)
	}
}

func TestStringStoreBoundsTheCombinedAnnouncedSize(t *testing.T) {
	store := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 1000})
	first := openString(t, store, 600)
	if command, payload := store.Handle("new_str", []byte("401")); command != "error" ||
		string(payload) != ReplyStringTooLarge {
		t.Fatalf("new_str past the combined budget = %q %q", command, payload)
	}
	openString(t, store, 400)
	store.Take(first)
	openString(t, store, 600)
}

func TestStringStoreSweepDropsIdleStrings(t *testing.T) {
	now := pendingEpoch
	store := NewStringStoreWithLimits(StringStoreLimits{TTL: time.Minute, Now: func() time.Time { return now }})
	idle := openString(t, store, 10)
	busy := openString(t, store, 10)
	now = now.Add(50 * time.Second)
	updateString(t, store, busy, "12345")

	if n := store.Sweep(pendingEpoch.Add(70 * time.Second)); n != 1 {
		t.Fatalf("Sweep dropped %d strings, want 1", n)
	}
	if _, ok := store.strings[idle]; ok {
		t.Fatal("idle string survived Sweep")
	}
	if _, ok := store.strings[busy]; !ok {
		t.Fatal("recently updated string dropped by Sweep")
	}
	if store.reserved != 10 {
		t.Fatalf("reserved = %d after Sweep, want 10", store.reserved)
	}
}

func TestStringStoreReplaysCapturedTransfers(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vectorDir, "send_string_payloads.json"))
	if err != nil {
		t.Fatalf("reading send_string_payloads.json: %v", err)
	}
	var documents []struct {
		StringID string          `json:"string_id"`
		JSON     json.RawMessage `json:"json"`
	}
	if err := json.Unmarshal(raw, &documents); err != nil {
		t.Fatalf("decoding send_string_payloads.json: %v", err)
	}
	wantByID := map[string]json.RawMessage{}
	for _, d := range documents {
		wantByID[d.StringID] = d.JSON
	}

	// Every captured new_str is followed, in the same direction, by the str_upd chunks of its
	// string; the receiver's id replaces the one the real peer had assigned.
	store := NewStringStore(MaxTotalSize)
	ourIDByDirection := map[string]string{}
	replayed, compared := 0, 0
	for _, rec := range loadJSONLines[capturedFrame](t, "live_capture_sample.jsonl") {
		switch rec.Cmd {
		case "new_str":
			size, err := strconv.Atoi(string(rec.plaintext(t)))
			if err != nil {
				t.Fatalf("captured new_str payload: %v", err)
			}
			ourIDByDirection[rec.Dir] = openString(t, store, size)
		case "str_upd":
			ourID := ourIDByDirection[rec.Dir]
			theirID, data, _ := strings.Cut(string(rec.plaintext(t)), " ")
			updateString(t, store, ourID, data)
			got, ok := store.Take(ourID)
			if !ok {
				t.Fatalf("captured string %s incomplete after its str_upd", theirID)
			}
			if want, known := wantByID[theirID]; known {
				assertSameJSON(t, got, want)
				compared++
			}
			replayed++
		}
	}
	if replayed == 0 || compared != len(documents) {
		t.Fatalf("replayed %d strings, compared %d of %d documents", replayed, compared, len(documents))
	}
}

func assertSameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var gotValue, wantValue any
	if err := json.Unmarshal(got, &gotValue); err != nil {
		t.Fatalf("received string is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &wantValue); err != nil {
		t.Fatalf("vector is not JSON: %v", err)
	}
	gotCanonical, _ := json.Marshal(gotValue)
	wantCanonical, _ := json.Marshal(wantValue)
	if !bytes.Equal(gotCanonical, wantCanonical) {
		t.Fatalf("received string\n%s\nwant\n%s", gotCanonical, wantCanonical)
	}
}

func BenchmarkStringStoreStrUpd(b *testing.B) {
	chunk := bytes.Repeat([]byte("j"), RequestChunk-11) // a full str_upd behind a 10-digit id
	const chunksPerString = 16
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	store := NewStringStore(MaxTotalSize)
	var id string
	for i := 0; b.Loop(); i++ {
		if i%chunksPerString == 0 {
			if _, ok := store.Take(id); i > 0 && !ok {
				b.Fatal("string incomplete after all its chunks")
			}
			id = openString(b, store, chunksPerString*len(chunk))
		}
		store.Handle("str_upd", append([]byte(id+" "), chunk...))
	}
}

// The strings of every connection are reserved against one node-wide budget: what one store
// holds is refused to another until it is taken or the connection closes.
func TestStringStoresShareTheNodeWideBudget(t *testing.T) {
	shared := NewBudget(1000)
	a := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 1000, Shared: shared})
	b := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 1000, Shared: shared})
	cmd, id := a.Handle(CommandNewStr, []byte("800"))
	if cmd != replyOK {
		t.Fatalf("first new_str answered %s %q", cmd, id)
	}
	if cmd, msg := b.Handle(CommandNewStr, []byte("300")); cmd != replyTooLarge || string(msg) != ReplyStringTooLarge {
		t.Fatalf("new_str over the node-wide budget answered %s %q", cmd, msg)
	}
	a.Take(string(id))
	if cmd, msg := b.Handle(CommandNewStr, []byte("300")); cmd != replyOK {
		t.Fatalf("new_str after the first string was taken answered %s %q", cmd, msg)
	}
	b.Close()
	if n := shared.InUse(); n != 0 {
		t.Fatalf("%d bytes still reserved after Take and Close", n)
	}
	if cmd, _ := b.Handle(CommandNewStr, []byte("1")); cmd != replyTooLarge {
		t.Fatalf("a closed store opened a string")
	}
}

// A string taken with TakeHeld keeps its share of the node-wide budget until its consumer is
// done with it, whatever the connection that sent it does meanwhile.
func TestStringStoreTakeHeldKeepsTheSharedBudgetUntilReleased(t *testing.T) {
	shared := NewBudget(100)
	store := NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 100, Shared: shared})
	id := openString(t, store, 60)
	updateString(t, store, id, strings.Repeat("x", 60))
	data, release, ok := store.TakeHeld(id)
	if !ok || len(data) != 60 || store.Len() != 0 {
		t.Fatalf("TakeHeld = %d bytes, %v; %d strings left", len(data), ok, store.Len())
	}
	if n := shared.InUse(); n != 60 {
		t.Fatalf("the node-wide budget holds %d bytes after TakeHeld, want 60", n)
	}
	// The connection's own limit is free again, the node's is not.
	if command, _ := store.Handle("new_str", []byte("50")); command != "error" {
		t.Fatalf("new_str beyond the node-wide budget = %q, want error", command)
	}
	store.Close()
	if n := shared.InUse(); n != 60 {
		t.Fatalf("closing the connection released a string still being worked on: %d bytes held", n)
	}
	release()
	release()
	if n := shared.InUse(); n != 0 {
		t.Fatalf("the budget holds %d bytes after release, want 0", n)
	}

	// An unknown or incomplete string is gone at once, budget and all.
	store = NewStringStoreWithLimits(StringStoreLimits{MaxTotal: 100, Shared: shared})
	id = openString(t, store, 10)
	if _, release, ok := store.TakeHeld(id); ok || shared.InUse() != 0 {
		t.Fatalf("TakeHeld of an incomplete string = %v, budget %d", ok, shared.InUse())
	} else {
		release()
	}
	if _, _, ok := store.TakeHeld("404"); ok {
		t.Fatal("TakeHeld of an unknown id succeeded")
	}
}

package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"hash"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/clusterd/clusterd/messages"
)

const (
	// DefaultMaxOpenFiles bounds how many files one connection may be receiving at once. Wazuh
	// has no bound; a sync sends one package at a time.
	DefaultMaxOpenFiles = 64

	// DefaultMaxFileSize bounds one received file. Packages are built under max_zip_size
	// (1 GiB of file data); the margin covers the compression overhead of incompressible data.
	DefaultMaxFileSize int64 = 2 << 30

	// DefaultFileTTL is how long a half-received file may sit idle before Sweep removes it:
	// Wazuh's timeout_receiving_file, after which the waiting side gives the transfer up.
	DefaultFileTTL = 120 * time.Second

	// Extra refusals of this implementation; plain text, like Wazuh's own file replies.
	replyTooManyFiles = "Too many files being received at once"
	replyFileTooLarge = "File size exceeds maximum allowed limit"

	tempFilePerm = 0o640
)

// FileReceiverLimits bounds what a peer can make a FileReceiver hold. Zero fields take the
// defaults.
type FileReceiverLimits struct {
	MaxOpen     int              // files open at once (DefaultMaxOpenFiles)
	MaxFileSize int64            // bytes per file (DefaultMaxFileSize)
	TTL         time.Duration    // idle time before Sweep removes a file (DefaultFileTTL)
	Now         func() time.Time // clock stamping activity (time.Now)
	// FollowMemory bounds the bytes kept in memory for the readers of followed files, all
	// files together (DefaultFollowMemory).
	FollowMemory int64
}

func (l FileReceiverLimits) withDefaults() FileReceiverLimits {
	if l.MaxOpen <= 0 {
		l.MaxOpen = DefaultMaxOpenFiles
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.TTL <= 0 {
		l.TTL = DefaultFileTTL
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.FollowMemory <= 0 {
		l.FollowMemory = DefaultFollowMemory
	}
	return l
}

// incomingFile is one file being received into a temporary file next to its final name.
type incomingFile struct {
	target     uploadTarget
	tempName   string
	temp       *os.File
	checksum   hash.Hash
	size       int64
	lastActive time.Time
	follow     *FollowedFile // nil when nobody follows the file
}

// FileReceiver is the receiver side of new_file/file_upd/file_end (§3.2). Files are keyed by
// the path the peer sent, as in Wazuh, so several may be in flight at once. Each is written to a
// temporary name in its destination folder and renamed into place only when file_end's digest
// (SHA-256, or CRC-32C over the link cipher) matches: a half-received or corrupt file never
// appears under its name. A followed file whose reader took its bytes from memory is not put in
// place at all (FollowedFile). Writes are confined to <home>/queue/cluster. Not safe for
// concurrent use: it lives in the actor that owns the connection.
type FileReceiver struct {
	home   string
	limits FileReceiverLimits
	files  map[string]*incomingFile
	follow FileFollower // nil: nobody reads the files while they arrive
	held   atomic.Int64 // bytes held in memory for followers (FollowMemory)
}

// NewFileReceiver returns a receiver writing under <home>/queue/cluster with the default bounds.
func NewFileReceiver(home string) *FileReceiver {
	return NewFileReceiverWithLimits(home, FileReceiverLimits{})
}

// NewFileReceiverWithLimits returns a receiver with explicit bounds.
func NewFileReceiverWithLimits(home string, limits FileReceiverLimits) *FileReceiver {
	return &FileReceiver{home: home, limits: limits.withDefaults(), files: make(map[string]*incomingFile)}
}

// Handle answers new_file, file_upd or file_end as Wazuh 4.14.7 does: ("ok ", "Ready to receive
// new file") or ("err", "Write path not allowed"); ("ok", "File updated"); ("ok", "File received
// correctly") or ("err", "File wasn't correctly received. Checksums aren't equal."). Malformed
// payloads and I/O failures get the "err" reply Wazuh's dispatcher builds from the Python
// exception (WazuhInternalError 1000); any other command gets Wazuh's unknown-command reply.
func (f *FileReceiver) Handle(command string, payload []byte) (respCommand string, respPayload []byte) {
	return f.HandleFrame(messages.Frame{Command: command, Payload: payload})
}

// HandleFrame is Handle for a received frame: a new_file sealed with the link cipher (a
// clusterd peer) is answered with ReplyReadyForLinkedFile, and its file_end carries the file's
// CRC-32C instead of its SHA-256.
func (f *FileReceiver) HandleFrame(frame messages.Frame) (respCommand string, respPayload []byte) {
	command, payload := frame.Command, frame.Payload
	switch command {
	case CommandNewFile:
		return f.open(payload, frame.Link)
	case CommandFileUpd:
		return f.update(payload)
	case CommandFileEnd:
		return f.finish(payload)
	default:
		return pyUnknownCommandReply(command)
	}
}

// Follow makes fn be told about every file the receiver starts receiving from now on; nil
// stops that.
func (f *FileReceiver) Follow(fn FileFollower) { f.follow = fn }

// Len returns how many files are being received.
func (f *FileReceiver) Len() int { return len(f.files) }

// Sweep removes the files idle for longer than the TTL at now and returns how many it removed.
func (f *FileReceiver) Sweep(now time.Time) int {
	removed := 0
	for key, in := range f.files {
		if now.Sub(in.lastActive) > f.limits.TTL {
			f.discard(key, in)
			removed++
		}
	}
	return removed
}

// Close removes every half-received file; the owner calls it when the connection is lost.
func (f *FileReceiver) Close() {
	for key, in := range f.files {
		f.discard(key, in)
	}
}

// open handles new_file: payload = path relative to home, with a leading "/".
func (f *FileReceiver) open(payload []byte, linked bool) (string, []byte) {
	key := string(payload)
	if previous, ok := f.files[key]; ok {
		// Wazuh reopens the path for writing, truncating what it had received.
		f.discard(key, previous)
	}
	if len(f.files) >= f.limits.MaxOpen {
		return replyErr, []byte(replyTooManyFiles)
	}
	target, err := confineUploadPath(f.home, payload)
	switch {
	case errors.Is(err, errPathNotAllowed):
		return replyErr, []byte(ReplyWritePathNotAllowed)
	case errors.Is(err, fs.ErrNotExist):
		return pyExceptionReply("[Errno 2] No such file or directory: " + messages.PyStrRepr(f.home+key))
	case err != nil:
		return pyExceptionReply(err.Error())
	}
	tempName := newTempFileName()
	temp, err := target.dir.OpenFile(tempName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, tempFilePerm)
	if err != nil {
		target.dir.Close()
		return pyExceptionReply(err.Error())
	}
	in := &incomingFile{
		target:     target,
		tempName:   tempName,
		temp:       temp,
		checksum:   newTransferSum(linked),
		lastActive: f.limits.Now(),
	}
	f.files[key] = in
	f.announce(key, in)
	if linked {
		return replyNewFileOK, []byte(ReplyReadyForLinkedFile)
	}
	return replyNewFileOK, []byte(ReplyReadyForFile)
}

// update handles file_upd: payload = "<path> <bytes>".
func (f *FileReceiver) update(payload []byte) (string, []byte) {
	name, data, found := bytes.Cut(payload, []byte{' '})
	if !found {
		return pyExceptionReply(pyUnpackError)
	}
	in, known := f.files[string(name)]
	if !known {
		return pyExceptionReply(pyKeyError(name))
	}
	if in.size+int64(len(data)) > f.limits.MaxFileSize {
		f.discard(string(name), in)
		return replyErr, []byte(replyFileTooLarge)
	}
	if in.follow == nil || !in.follow.hold(data) {
		// At its offset: bytes before it may have been handed to the follower in memory.
		if _, err := in.temp.WriteAt(data, in.size); err != nil {
			f.discard(string(name), in)
			return pyExceptionReply(err.Error())
		}
	}
	in.checksum.Write(data)
	in.size += int64(len(data))
	in.lastActive = f.limits.Now()
	if in.follow != nil {
		in.follow.grew(len(data))
	}
	return replyOK, []byte(ReplyFileUpdated)
}

// finish handles file_end: payload = "<path> <32-byte raw SHA-256>" (or the 4-byte CRC-32C of
// a linked transfer).
func (f *FileReceiver) finish(payload []byte) (string, []byte) {
	name, digest, found := bytes.Cut(payload, []byte{' '})
	if !found {
		return pyExceptionReply(pyUnpackError)
	}
	key := string(name)
	in, known := f.files[key]
	if !known {
		return pyExceptionReply(pyKeyError(name))
	}
	if !bytes.Equal(in.checksum.Sum(nil), digest) {
		in.ended(errFollowMismatch)
		f.discard(key, in)
		return replyErr, []byte(ReplyChecksumMismatch)
	}
	if in.follow != nil && !in.follow.WholeOnDisk() {
		// Its follower read it all from memory: nothing whole to put in place.
		delete(f.files, key)
		in.ended(nil)
		in.drop()
		return replyOK, []byte(ReplyFileReceived)
	}
	if err := in.commit(); err != nil {
		f.discard(key, in)
		return pyExceptionReply(err.Error())
	}
	delete(f.files, key)
	in.ended(nil)
	return replyOK, []byte(ReplyFileReceived)
}

// commit makes the received bytes durable, moves them under the final name and releases the
// destination folder.
func (in *incomingFile) commit() error {
	if err := in.temp.Sync(); err != nil {
		return err
	}
	if err := in.temp.Close(); err != nil {
		return err
	}
	if err := in.target.dir.Rename(in.tempName, in.target.name); err != nil {
		return err
	}
	// The file is in place; failing to release the folder handle changes nothing for the peer.
	_ = in.target.dir.Close()
	return nil
}

// discard forgets a file and removes its temporary file. Errors are ignored: the file may be
// closed already, and nothing else can be done about a temporary file that cannot be removed.
func (f *FileReceiver) discard(key string, in *incomingFile) {
	in.ended(errFollowDiscarded)
	delete(f.files, key)
	in.drop()
}

// drop closes and removes the temporary file.
func (in *incomingFile) drop() {
	_ = in.temp.Close()
	_ = in.target.dir.Remove(in.tempName)
	_ = in.target.dir.Close()
}

// announce lets the receiver's follower read the file while it arrives. A file that cannot be
// opened for it is simply not followed.
func (f *FileReceiver) announce(key string, in *incomingFile) {
	if f.follow == nil {
		return
	}
	reader, err := in.target.dir.Open(in.tempName)
	if err != nil {
		return
	}
	in.follow = newFollowedFile(reader, &f.held, f.limits.FollowMemory)
	f.follow(key, in.follow)
	// A follower that kept no reader leaves the descriptor to be closed when the transfer ends.
}

// ended tells the followers, if any, how the transfer ended.
func (in *incomingFile) ended(err error) {
	if in.follow != nil {
		in.follow.end(err)
	}
}

// newTempFileName returns a random, fixed-length name (it must fit beside names of any length),
// hidden, and with an extension Wazuh's integrity scan excludes.
func newTempFileName() string {
	var raw [8]byte
	// crypto/rand.Read never fails on supported platforms (it panics instead).
	_, _ = rand.Read(raw[:])
	return ".clusterd-" + hex.EncodeToString(raw[:]) + ".tmp"
}

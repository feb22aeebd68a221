package agentproto

import "bytes"

// PushChunkSize is the largest raw chunk of a shared-file push.
const PushChunkSize = 900

// PushMessages returns the messages of a merged.mg push (agent §3.8), each to
// be sealed on its own: "#!-up file <md5> merged.mg\n", the content in raw
// chunks of at most 900 bytes, then "#!-close file ". Chunks alias content.
func PushMessages(md5hex string, content []byte) [][]byte {
	msgs := make([][]byte, 0, 2+(len(content)+PushChunkSize-1)/PushChunkSize)
	up := make([]byte, 0, len(UpFilePrefix)+len(md5hex)+len(sharedConfigName)+2)
	up = append(up, UpFilePrefix...)
	up = append(up, md5hex...)
	up = append(up, ' ')
	up = append(up, sharedConfigName...)
	up = append(up, '\n')
	msgs = append(msgs, up)
	for len(content) > 0 {
		n := min(len(content), PushChunkSize)
		msgs = append(msgs, content[:n:n])
		content = content[n:]
	}
	return append(msgs, []byte(CloseFileMessage))
}

// ParseUpFile parses "#!-up file <md5> <name>\n" as the agent does: the md5
// runs to the first space, the name to the end of the line.
func ParseUpFile(msg []byte) (md5hex, name string, ok bool) {
	rest, found := bytes.CutPrefix(msg, []byte(UpFilePrefix))
	if !found {
		return "", "", false
	}
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	sum, file, found := bytes.Cut(rest, []byte(" "))
	if !found || len(sum) == 0 || len(file) == 0 {
		return "", "", false
	}
	return string(sum), string(file), true
}

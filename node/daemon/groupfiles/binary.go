package groupfiles

import "bytes"

// wazuhLineMax is OS_MAXSTR, the fgets buffer checkBinaryFile reads with.
const wazuhLineMax = 1024

// isWazuhBinary reproduces remoted's checkBinaryFile, which decides whether a shared file is left
// out of merged.mg: the file is read with fgets in pieces of at most 1024 bytes, each ending at
// a newline when there is one, and it is binary when a newline-terminated piece holds a NUL
// byte. Pieces without a final newline (a long line's first 1024 bytes, the last line) are not
// looked at, so NUL bytes there do not make the file binary.
func isWazuhBinary(data []byte) bool {
	for len(data) > 0 {
		piece := data[:min(len(data), wazuhLineMax)]
		if nl := bytes.IndexByte(piece, '\n'); nl >= 0 {
			piece = piece[:nl+1]
			if bytes.IndexByte(piece, 0) >= 0 {
				return true
			}
		}
		data = data[len(piece):]
	}
	return false
}

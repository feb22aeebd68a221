// Package wire speaks the framed protocol of the Wazuh 4.14.x cluster (wazuh-clusterd), byte for
// byte: the 20-byte header, the padded command field, Fernet encryption of every TCP payload,
// messages divided into several frames, and the receive-side limits of Wazuh 4.14.7.
//
// The codec half (Header, Cipher, AppendMessage, Reader) does no I/O scheduling of its own and
// starts no goroutines. The connection half (Conn) owns one reader and one writer goroutine per
// socket and exchanges complete messages.Frame values with the rest of the daemon, so that
// encryption, reassembly and back-pressure stay out of the actors.
//
// A nil *Cipher everywhere means "no encryption", which is how the local Unix socket
// (queue/cluster/c-internal.sock) carries its frames.
package wire

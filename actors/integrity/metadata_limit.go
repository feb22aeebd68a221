package integrity

// The largest files_metadata.json a package may carry, whichever side built it.
//
// An honest entry is about 250 bytes: the path, a 128-digit BLAKE2b hash, mod_time,
// cluster_item_key and merged. A master's diff lists each file once (missing, extra or shared),
// a worker's metadata each of its synced files once. An eighth of max_zip_size — 128 MiB with
// Wazuh's default of 1 GiB, over half a million files — is far more than any synced tree holds
// (client.keys, the group folders, rules, decoders and lists), and small enough that a
// decompression bomb cannot make the node hold the whole max_zip_size in one buffer (a buffer
// that doubles as it grows would hold twice that). minMetadataLimit keeps a small max_zip_size
// (its minimum is configurable) from refusing an ordinary tree.
const (
	metadataLimitDivisor = 8
	minMetadataLimit     = 16 << 20
)

// MetadataLimit is the largest decompressed files_metadata.json accepted in a package whose
// decompressed total is bounded by maxTotal.
func MetadataLimit(maxTotal int64) int64 {
	return min(maxTotal, max(maxTotal/metadataLimitDivisor, minMetadataLimit))
}

// cappedBuffer collects a decompressed member up to limit bytes, growing as bytes arrive and
// never past limit, so that a member that claims nothing can only cost what it delivers.
type cappedBuffer struct {
	buf   []byte
	limit int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if len(p) > c.limit-len(c.buf) {
		return 0, errDecompressedTooLarge
	}
	if need := len(c.buf) + len(p); need > cap(c.buf) {
		grown := make([]byte, len(c.buf), min(c.limit, max(need, 2*cap(c.buf), 64<<10)))
		copy(grown, c.buf)
		c.buf = grown
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

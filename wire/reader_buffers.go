package wire

import (
	"math/bits"
	"sync"
)

// Token buffers above maxRetainedBuffer (divided messages of more than about 6 MiB) are not kept
// by a Reader between messages; they are recycled through these pools instead, one per
// power-of-two capacity, so that a connection that keeps receiving big messages neither
// allocates nor clears tens of MiB each time. The GC empties the pools when they go unused.
const (
	minPooledClass = 24 // 16 MiB: the first power of two above maxRetainedBuffer.
	maxPooledClass = 29 // 512 MiB: enough for MaxTotalSize whatever the doubling.
)

var pooledBuffers [maxPooledClass - minPooledClass + 1]sync.Pool

// pooledClass is the pool index for capacity n, or -1 if no pool holds that size.
func pooledClass(n int) int {
	class := bits.Len(uint(n - 1))
	if n <= maxRetainedBuffer || class > maxPooledClass {
		return -1
	}
	return max(class, minPooledClass) - minPooledClass
}

// getBuffer returns an empty buffer with room for at least n bytes.
func getBuffer(n int) []byte {
	class := pooledClass(n)
	if class < 0 {
		return make([]byte, 0, n)
	}
	if b, ok := pooledBuffers[class].Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 1<<(class+minPooledClass))
}

// putBuffer recycles b if it came from (or fits) a pool. The caller must not use b afterwards.
func putBuffer(b []byte) {
	class := pooledClass(cap(b))
	if class < 0 || cap(b) != 1<<(class+minPooledClass) {
		return
	}
	b = b[:0]
	pooledBuffers[class].Put(&b)
}

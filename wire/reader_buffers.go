package wire

import (
	"math/bits"
	"sync"
)

// Buffers of more than 512 bytes are recycled through these pools, one per power-of-two
// capacity, so that connections that keep receiving messages neither allocate nor clear them
// each time, while an idle connection holds no buffer of its own. The GC empties the pools when
// they go unused.
const (
	minPooledClass = 10 // 1 KiB
	maxPooledClass = 29 // 512 MiB: enough for MaxTotalSize whatever the doubling.
)

var pooledBuffers [maxPooledClass - minPooledClass + 1]sync.Pool

// pooledClass is the pool index for capacity n, or -1 if no pool holds that size.
func pooledClass(n int) int {
	class := bits.Len(uint(n - 1))
	if n <= 1<<(minPooledClass-1) || class > maxPooledClass {
		return -1
	}
	return max(class, minPooledClass) - minPooledClass
}

// bufferCap is the capacity getBuffer(n) returns, which is what a receive budget is charged.
func bufferCap(n int) int {
	if class := pooledClass(n); class >= 0 {
		return 1 << (class + minPooledClass)
	}
	return n
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

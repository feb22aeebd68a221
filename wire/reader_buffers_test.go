package wire

import "testing"

func TestPooledBufferClasses(t *testing.T) {
	cases := map[int]int{
		512:          -1,
		513:          0,
		1 << 10:      0,
		1<<10 + 1:    1,
		16<<20 + 1:   15,
		MaxTotalSize: 18,
		512 << 20:    19,
		512<<20 + 1:  -1,
	}
	for n, want := range cases {
		if got := pooledClass(n); got != want {
			t.Errorf("pooledClass(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestGetBufferHasRoomAndPutBufferIgnoresForeignSizes(t *testing.T) {
	for _, n := range []int{0, 1000, readStep, readStep + 1, maxRetainedWriteBuffer, maxRetainedWriteBuffer + 1, 8 << 20, 20 << 20} {
		b := getBuffer(n)
		if len(b) != 0 || cap(b) < n {
			t.Fatalf("getBuffer(%d): len %d cap %d", n, len(b), cap(b))
		}
		if cap(b) != bufferCap(n) {
			t.Fatalf("getBuffer(%d) has cap %d, bufferCap says %d", n, cap(b), bufferCap(n))
		}
		putBuffer(b)
	}
	putBuffer(make([]byte, 0, 17<<20)) // not a class size: dropped, not pooled.
	if b := getBuffer(17 << 20); cap(b) != 32<<20 {
		t.Fatalf("getBuffer(17 MiB) has cap %d, want the 32 MiB class", cap(b))
	}
}

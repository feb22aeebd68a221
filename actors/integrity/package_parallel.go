package integrity

import (
	"runtime"
	"sync"
)

// AddFiles adds files in order, as AddFile would one after the other, but compresses up to
// GOMAXPROCS of them at once: zlib is the bottleneck of building a package. At most twice that
// many compressed files wait in memory (each bounded, see spillThreshold) for their turn to be
// written. It returns one outcome per source (nil when added, else AddFile's reason for leaving
// it out) and, separately, the error that made the package unusable, if one did.
func (pw *PackageWriter) AddFiles(srcs []FileSource) (outcomes []error, err error) {
	outcomes = make([]error, len(srcs))
	if err := pw.usable(); err != nil {
		for i := range outcomes {
			outcomes[i] = err
		}
		return outcomes, err
	}
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	if workers <= 1 {
		for i, src := range srcs {
			_, outcomes[i] = pw.AddFile(src.Rel, src.Path)
		}
		return outcomes, pw.err
	}

	type compressed struct {
		seg *segment
		err error
	}
	ready := make([]chan compressed, len(srcs))
	for i := range ready {
		ready[i] = make(chan compressed, 1)
	}
	jobs := make(chan int)
	// window bounds the files compressed but not yet written.
	window := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for i := range srcs {
			window <- struct{}{}
			jobs <- i
		}
	})
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				seg := &segment{dir: pw.tempDir}
				ready[i] <- compressed{seg: seg, err: pw.compress(srcs[i], seg)}
			}
		})
	}
	for i, src := range srcs {
		c := <-ready[i]
		outcomes[i] = pw.commit(src.Rel, c.seg, c.err)
		c.seg.release()
		<-window
	}
	wg.Wait()
	return outcomes, pw.err
}

package integrity

import (
	"strings"
	"sync"
)

// mergeResults gathers the workers' results into the scan's metadata and the Scanner's next
// cache. The two are filled at the same time by two goroutines: on a warm scan, filling them
// is most of what is not system calls, and it comes after the workers are done.
func mergeResults(pool []*scanWorker, items []Item) (Metadata, scanCache) {
	var results []batchResult
	for _, w := range pool {
		results = append(results, w.results...)
	}
	overlap := itemsOverlap(items)
	var cache scanCache
	var wg sync.WaitGroup
	wg.Go(func() { cache = buildCache(results, overlap) })
	meta := buildMetadata(results, overlap, items)
	wg.Wait()
	return meta, cache
}

// buildMetadata fills the result. Should two items select the same path (overlap), the later
// item wins, as Python's final_items.update does; buildCache makes the same choice.
func buildMetadata(results []batchResult, overlap bool, items []Item) Metadata {
	total := 0
	for _, br := range results {
		total += len(br.files)
	}
	meta := make(Metadata, total)
	for _, br := range results {
		for i := range br.files {
			r := &br.files[i]
			if overlap {
				if old, dup := meta[r.rel]; dup && itemIndex(items, old.ClusterItemKey) > r.item {
					continue
				}
			}
			meta[r.rel] = r.meta
		}
	}
	return meta
}

func buildCache(results []batchResult, overlap bool) scanCache {
	perDir := make(map[string]int)
	for _, br := range results {
		perDir[br.dirRel] += len(br.files)
	}
	cache := make(scanCache, len(perDir))
	for _, br := range results {
		dir := cache[br.dirRel]
		if dir == nil {
			dir = make(map[string]cacheEntry, perDir[br.dirRel])
			cache[br.dirRel] = dir
		}
		for i := range br.files {
			r := &br.files[i]
			name := r.rel[len(br.dirRel):]
			if overlap {
				if old, dup := dir[name]; dup && old.item > r.item {
					continue
				}
			}
			dir[name] = cacheEntry{id: r.id, hash: r.meta.Hash, item: r.item, racy: r.racy}
		}
	}
	return cache
}

// itemsOverlap reports whether two items could select the same file: one folder inside the
// other's (or the same), the outer one recursive. Wazuh's table has none (etc/ holds the
// others but is not recursive), which spares a lookup per file when merging.
func itemsOverlap(items []Item) bool {
	for i := range items {
		for j := range items {
			outer, inner := items[i].Key, items[j].Key
			if i == j || !strings.HasPrefix(inner, outer) {
				continue
			}
			if inner == outer || items[i].Recursive {
				return true
			}
		}
	}
	return false
}

func itemIndex(items []Item, key string) int {
	for i := range items {
		if items[i].Key == key {
			return i
		}
	}
	return -1
}

package integrity

import "strings"

// Compare classifies a worker's files against the master's as Wazuh's compare_files does
// (§5.5): Missing holds the master's entries the worker lacks, Shared the master's entries
// whose hash differs on the worker, Extra the worker's entries the master lacks and that an
// item with ExtraValid false governs. mod_time is never compared. The maps are never nil, so
// every section encodes as an object.
//
// A worker-only path is judged by the item that would select it on the master (the path lies
// in the item's folder, in a subfolder only if the item is recursive, its name is taken and
// not excluded), not by the cluster_item_key the worker claims. Wazuh looks the claimed key
// up and fails the whole comparison on an unknown one (a KeyError); here:
//   - a path some item selects is extra even under an unknown or wrong key, and its entry
//     carries the selecting item's key, so the worker's own check (§5.8: the key must exist
//     and the path lie in its folder) lets it delete the file;
//   - a path no item selects is left alone, whatever key it claims: the master would never
//     own such a file, and telling a worker to delete it (etc/ossec.conf under the key etc/,
//     say) would be destructive, or refused by the worker with error 3022.
func Compare(master, worker Metadata) Diff {
	return compareWith(Items, master, worker)
}

func compareWith(items []Item, master, worker Metadata) Diff {
	d := Diff{Missing: Metadata{}, Extra: Metadata{}, Shared: Metadata{}}
	for rel, m := range master {
		w, onWorker := worker[rel]
		switch {
		case !onWorker:
			d.Missing[rel] = m
		case w.Hash != m.Hash:
			d.Shared[rel] = m
		}
	}
	for rel, w := range worker {
		if _, onMaster := master[rel]; onMaster {
			continue
		}
		item, ok := selectingItem(items, rel)
		if !ok || item.ExtraValid {
			// ExtraValid files would be requested from the worker; 4.14.7 ignores them.
			continue
		}
		w.ClusterItemKey = item.Key
		d.Extra[rel] = w
	}
	return d
}

// selectingItem returns the item whose scan would list the file at rel, if any. Should two
// items select it, the later one wins, as in the scan.
func selectingItem(items []Item, rel string) (Item, bool) {
	if checkMetadataPath(rel) != nil {
		return Item{}, false
	}
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		root := it.Key
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
		rest, inFolder := strings.CutPrefix(rel, root)
		if !inFolder || rest == "" {
			continue
		}
		base := rest
		if slash := strings.LastIndexByte(rest, '/'); slash >= 0 {
			if !it.Recursive {
				continue
			}
			base = rest[slash+1:]
		}
		if Excluded(base) || !it.Takes(base) {
			continue
		}
		return it, true
	}
	return Item{}, false
}

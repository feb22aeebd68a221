package integrity

// FileMeta is the metadata of one synchronised file, as Wazuh's get_files_status gives it and
// as files_metadata.json carries it: {"mod_time": 1700000000.0, "cluster_item_key": "etc/",
// "merged": false, "hash": "<blake2b-512 hex>"} (plus merge_type and merge_name for legacy
// merged entries, which 4.x never produces but may receive).
type FileMeta struct {
	ModTime        float64 // seconds since the epoch, as Python's os.path.getmtime
	ClusterItemKey string
	Merged         bool
	Hash           string // lowercase hex BLAKE2b, 64-byte digest, unkeyed
	MergeType      string // legacy, empty in 4.x
	MergeName      string // legacy, empty in 4.x
}

// Metadata maps a path relative to WAZUH_HOME (no leading slash, e.g. "etc/client.keys") to its
// file's metadata.
type Metadata map[string]FileMeta

// Diff is what the master sends a worker (files_metadata.json of a master package): files the
// worker lacks, files only the worker has, and files whose hash differs.
type Diff struct {
	Missing Metadata // master's metadata
	Extra   Metadata // worker's metadata
	Shared  Metadata // master's metadata
}

// Empty reports whether there is nothing to synchronise.
func (d Diff) Empty() bool { return len(d.Missing) == 0 && len(d.Extra) == 0 && len(d.Shared) == 0 }

// Package integrity is the file side of Wazuh's integrity synchronisation (§5 of the protocol
// notes), without actors or sockets: which files are synchronised, their metadata and BLAKE2b
// hashes (with an mtime cache and a bounded pool of hashing goroutines), the comparison of a
// worker's metadata with the master's, the package format ("zip", which is not a ZIP archive),
// and applying a master's package on a worker with atomic writes confined to the synced folders.
package integrity

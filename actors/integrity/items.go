package integrity

import (
	"io/fs"
	"path"
	"strings"
)

// Item is one entry of the "files" section of Wazuh's cluster.json: a folder (relative to
// WAZUH_HOME, with a trailing slash, e.g. "etc/shared/") whose files the master owns and pushes
// to every worker.
type Item struct {
	Key                  string      // cluster_item_key, e.g. "etc/shared/"
	Permissions          fs.FileMode // mode given to files written on a worker
	Files                []string    // basenames to take; ["all"] takes every file
	Recursive            bool        // descend into subfolders
	RemoveSubdirsIfEmpty bool        // remove folders that deleting extra files left empty
	ExtraValid           bool        // worker-only files are requested instead of deleted (false in 4.x)
}

// Items is Wazuh 4.14.7's files section, in its order.
var Items = []Item{
	{Key: "etc/", Permissions: 0o640, Files: []string{"client.keys"}},
	{Key: "etc/shared/", Permissions: 0o660, Files: []string{"all"}, Recursive: true, RemoveSubdirsIfEmpty: true},
	{Key: "var/multigroups/", Permissions: 0o660, Files: []string{"merged.mg"}, Recursive: true, RemoveSubdirsIfEmpty: true},
	{Key: "etc/rules/", Permissions: 0o660, Files: []string{"all"}, Recursive: true},
	{Key: "etc/decoders/", Permissions: 0o660, Files: []string{"all"}, Recursive: true},
	{Key: "etc/lists/", Permissions: 0o660, Files: []string{"all"}, Recursive: true},
}

// ExcludedFiles are basenames never synchronised, wherever they are.
var ExcludedFiles = []string{"ar.conf", "ossec.conf"}

// ExcludedExtensions are suffixes never synchronised.
var ExcludedExtensions = []string{"~", ".tmp", ".lock", ".swp"}

// RulesetKeys are the items whose change means the ruleset must be reloaded.
var RulesetKeys = []string{"etc/rules/", "etc/decoders/", "etc/lists/"}

// ItemByKey returns the item with that cluster_item_key.
func ItemByKey(key string) (Item, bool) {
	for _, it := range Items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// Excluded reports whether a file is never synchronised, by its name alone: Wazuh's
// excluded_files and excluded_extensions, and the temporary files of the project (IsTempName),
// which a crash may leave in any folder it writes to.
func Excluded(name string) bool {
	base := path.Base(name)
	if IsTempName(base) {
		return true
	}
	for _, f := range ExcludedFiles {
		if base == f {
			return true
		}
	}
	for _, ext := range ExcludedExtensions {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return false
}

// Takes reports whether the item selects a file with this basename.
func (it Item) Takes(base string) bool {
	for _, f := range it.Files {
		if f == "all" || f == base {
			return true
		}
	}
	return false
}

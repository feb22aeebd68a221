package integrity

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"go.uber.org/goleak"
)

// TestScanVectorTrees scans copies of the vector trees and expects exactly the metadata the
// real Wazuh nodes computed over them: excluded files (ar.conf, *.tmp) absent, every hash,
// key and mod_time equal.
func TestScanVectorTrees(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, side := range []string{"master", "worker"} {
		t.Run(side, func(t *testing.T) {
			want, err := ParseMetadata(readVector(t, side+"_files_metadata.json"))
			if err != nil {
				t.Fatalf("parse vector: %v", err)
			}
			s := &Scanner{Home: copyVectorTree(t, side), Workers: 3}
			got, stats := mustScan(t, s, nil)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("scan of trees/%s:\n got %v\nwant %v", side, got, want)
			}
			if stats.Hashed != int64(len(want)) || stats.Skipped != 0 || len(stats.Errors) != 0 {
				t.Errorf("stats = %+v, want %d hashed, nothing skipped", stats, len(want))
			}
		})
	}
}

// TestCompareVectors: comparing the metadata of the two trees gives the real compare_files()
// result, both from the vectors' metadata and from fresh scans.
func TestCompareVectors(t *testing.T) {
	want, err := ParseDiff(readVector(t, "master_to_worker_files_metadata.json"))
	if err != nil {
		t.Fatalf("parse vector: %v", err)
	}
	master, err := ParseMetadata(readVector(t, "master_files_metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	worker, err := ParseMetadata(readVector(t, "worker_files_metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Compare(master, worker); !reflect.DeepEqual(got, want) {
		t.Errorf("Compare(vector metadata):\n got %+v\nwant %+v", got, want)
	}

	scannedMaster, _ := mustScan(t, &Scanner{Home: copyVectorTree(t, "master")}, nil)
	scannedWorker, _ := mustScan(t, &Scanner{Home: copyVectorTree(t, "worker")}, nil)
	got := Compare(scannedMaster, scannedWorker)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare(scans):\n got %+v\nwant %+v", got, want)
	}

	var summary struct{ Missing, Extra, Shared []string }
	if err := json.Unmarshal(readVector(t, "classification_summary.json"), &summary); err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string]struct {
		got  Metadata
		want []string
	}{"missing": {got.Missing, summary.Missing}, "extra": {got.Extra, summary.Extra}, "shared": {got.Shared, summary.Shared}} {
		if keys := slices.Sorted(maps.Keys(pair.got)); !slices.Equal(keys, slices.Sorted(slices.Values(pair.want))) {
			t.Errorf("%s = %v, want %v", name, keys, pair.want)
		}
	}
}

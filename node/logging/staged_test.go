package logging

import (
	"testing"
	"time"
)

func TestParseStagedName(t *testing.T) {
	tests := []struct {
		name    string
		ok      bool
		wantDay time.Time
		wantSeq int
	}{
		{"cluster.log.2024-05-01", true, localTime(2024, time.May, 1, 0, 0, 0), 0},
		{"cluster.log.2024-05-01.3", true, localTime(2024, time.May, 1, 0, 0, 0), 3},
		{"cluster.log", false, time.Time{}, 0},
		{"cluster.log.", false, time.Time{}, 0},
		{"cluster.log.2024-13-01", false, time.Time{}, 0},
		{"cluster.log.2024-05-01.0", false, time.Time{}, 0},
		{"cluster.log.2024-05-01.+1", false, time.Time{}, 0},
		{"cluster.log.2024-05-01.01", false, time.Time{}, 0},
		{"cluster.log.2024-05-01x", false, time.Time{}, 0},
		{"cluster.log.backup", false, time.Time{}, 0},
		{"api.log.2024-05-01", false, time.Time{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStagedName(tt.name)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if ok && (!got.day.Equal(tt.wantDay) || got.seq != tt.wantSeq) {
				t.Errorf("got day %v seq %d, want %v %d", got.day, got.seq, tt.wantDay, tt.wantSeq)
			}
		})
	}
}

func TestArchivePathUsesWazuhMonthNames(t *testing.T) {
	for month := time.January; month <= time.December; month++ {
		got := archivePath("/var/ossec/logs/cluster", localTime(2024, month, 9, 0, 0, 0))
		want := "/var/ossec/logs/cluster/2024/" + month.String()[:3] + "/cluster.log-09.gz"
		if got != want {
			t.Errorf("%v: got %s, want %s", month, got, want)
		}
	}
}

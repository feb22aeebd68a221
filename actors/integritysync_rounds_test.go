package actors

import "testing"

// A round cut by max_zip_size is followed at once only while the worker takes the files: the
// first of a series, or one that leaves the worker owed fewer files than the round before.
func TestPartialRoundFollowsAtOnceOnlyWithProgress(t *testing.T) {
	for _, tc := range []struct {
		before, now int
		want        bool
	}{
		{0, 2000, true},    // the first round of a series
		{2000, 187, true},  // the worker applied the first package
		{187, 187, false},  // it applied nothing: a full disk, say
		{187, 190, false},  // the master's files grew meanwhile, and nothing was applied
		{2000, 1999, true}, // one file taken is progress
	} {
		if got := partialRoundProgressed(tc.before, tc.now); got != tc.want {
			t.Errorf("owed %d then %d: %v, want %v", tc.before, tc.now, got, tc.want)
		}
	}
}

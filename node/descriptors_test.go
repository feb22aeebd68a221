package node

import "testing"

// The listeners' bounds always leave the reserve free and fit the limit.
func TestBudgetFor(t *testing.T) {
	for _, tc := range []struct{ limit, reserve, enroll, agents int }{
		{128, 64, 8, 56},
		{400, 200, 25, 175},
		{1024, 256, 64, 704},
		{20000, 2500, 1000, 16500},
		{65536, 4096, 1000, 60440},
		{1048576, 4096, 1000, 1043480},
	} {
		b := budgetFor(tc.limit)
		if b.Reserve != tc.reserve || b.Enroll != tc.enroll || b.Agents != tc.agents {
			t.Errorf("budgetFor(%d) = %+v, want reserve %d, enroll %d, agents %d", tc.limit, b, tc.reserve, tc.enroll, tc.agents)
		}
		if b.Reserve+b.Enroll+b.Agents != tc.limit {
			t.Errorf("budgetFor(%d) shares %d", tc.limit, b.Reserve+b.Enroll+b.Agents)
		}
	}
}

package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Given a patient listed on a day with an FSSA priority, when the target date is
// computed, then it is listing + 1 / 3 / 28 / 84 days, and P4 has none (RTT.md §6).
func TestPriorityDueDates(t *testing.T) {
	cases := []struct {
		source string
		p      Priority
		listed string
		due    string
		ok     bool
	}{
		{"RTT.md §6: P1a within 24 h", P1a, "2025-03-03", "2025-03-04", true},
		{"RTT.md §6: P1b within 72 h", P1b, "2025-03-03", "2025-03-06", true},
		{"SCENARIOS 22: P2 listed 3 Mar → 31 Mar", P2, "2025-03-03", "2025-03-31", true},
		{"SCENARIOS 22: P3 listed 3 Mar → 26 May", P3, "2025-03-03", "2025-05-26", true},
		{"RTT.md §6: P4 is over 3 months, no target", P4, "2025-03-03", "", false},
		{"RTT.md §6: P1b across a month end", P1b, "2025-01-30", "2025-02-02", true},
		{"RTT.md §6: P2 across a leap day", P2, "2024-02-10", "2024-03-09", true},
		{"ours: unknown priority has no target", Priority("P5"), "2025-03-03", "", false},
	}
	for _, c := range cases {
		due, ok := c.p.DueDate(MustParseDate(c.listed))
		require.Equal(t, c.ok, ok, c.source)
		if ok {
			require.Equal(t, c.due, due.String(), c.source)
		} else {
			require.Equal(t, Date{}, due, c.source)
		}
	}
}

func TestParsePriority(t *testing.T) {
	for _, s := range []string{"P1a", "P1b", "P2", "P3", "P4"} {
		p, err := ParsePriority(s)
		require.NoError(t, err, s)
		require.Equal(t, Priority(s), p)
	}
	for _, bad := range []string{"", "P1", "p2", "P1A", "P5", " P2", "P2 ", "1"} {
		_, err := ParsePriority(bad)
		require.ErrorIs(t, err, ErrBadPriority, "%q", bad)
	}
}

// FSSA: P1a is the most urgent, P4 the least; unknown text sorts last.
func TestPriorityRank(t *testing.T) {
	order := []Priority{P1a, P1b, P2, P3, P4, Priority("X")}
	for i, p := range order {
		require.Equal(t, i, p.Rank(), p)
	}
}

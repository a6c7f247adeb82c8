package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Given the day a clock of each kind starts, when its deadline is computed, then it is
// the published number of days later (RTT.md §5-6).
func TestGuaranteeDeadlines(t *testing.T) {
	cases := []struct {
		source string
		got    Date
		want   string
	}{
		{"SCENARIOS 18, RTT.md §6: cancelled on the day 10 Jun → treat by 8 Jul", TwentyEightDayDeadline(MustParseDate("2025-06-10")), "2025-07-08"},
		{"RTT.md §6: 28-day rule across a year end", TwentyEightDayDeadline(MustParseDate("2025-12-15")), "2026-01-12"},
		{"RTT.md §5: cancer Faster Diagnosis Standard, 28 days", CancerFDSDue(MustParseDate("2025-01-06")), "2025-02-03"},
		{"RTT.md §5: cancer referral to treatment, 62 days", Cancer62DayDue(MustParseDate("2025-01-06")), "2025-03-09"},
		{"RTT.md §5: cancer decision to treat to treatment, 31 days", Cancer31DayDue(MustParseDate("2025-01-06")), "2025-02-06"},
		{"RTT.md §5: DM01 diagnostic within 6 weeks", DM01Due(MustParseDate("2025-01-06")), "2025-02-17"},
		{"RTT.md §5: DM01 across a leap day", DM01Due(MustParseDate("2024-02-01")), "2024-03-14"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.got.String(), c.source)
	}
	// SCENARIOS 18: treated 9 Jul is one day past the 8 Jul deadline.
	require.True(t, MustParseDate("2025-07-09").After(TwentyEightDayDeadline(MustParseDate("2025-06-10"))))
}

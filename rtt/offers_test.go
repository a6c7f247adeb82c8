package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Given an offer made on one day for a date on another, when it is judged, then it is
// reasonable only with at least 21 days' notice (RTT.md §2, [RR25]).
func TestIsReasonableOffer(t *testing.T) {
	cases := []struct {
		source            string
		offeredOn, forDay string
		reasonable        bool
	}{
		{"SCENARIOS 13: offer 1, 28 days' notice", "2025-03-10", "2025-04-07", true},
		{"SCENARIOS 13: offer 2, 42 days' notice", "2025-03-17", "2025-04-28", true},
		{"SCENARIOS 14: 10 days' notice", "2025-03-10", "2025-03-20", false},
		{"RTT.md §2: exactly 21 days", "2025-03-10", "2025-03-31", true},
		{"RTT.md §2: 20 days", "2025-03-10", "2025-03-30", false},
		{"RTT.md §2: same day", "2025-03-10", "2025-03-10", false},
		{"RTT.md §2: a date before the offer", "2025-03-10", "2025-03-01", false},
		{"RTT.md §6: 6-4-2 fills lists at 4 weeks, ≥ 3 weeks' notice", "2025-05-05", "2025-05-26", true},
	}
	for _, c := range cases {
		require.Equal(t, c.reasonable, IsReasonableOffer(MustParseDate(c.offeredOn), MustParseDate(c.forDay)), c.source)
	}
	require.Equal(t, 21, ReasonableNoticeDays)
}

// RTT.md §2: after a declined date, the second should fall within 6 weeks of the
// first; active monitoring is reviewed every 12 weeks.
func TestOfferWindowAndMonitoringReview(t *testing.T) {
	cases := []struct {
		source string
		got    Date
		want   string
	}{
		{"SCENARIOS 13: first date 7 Apr → window ends 19 May", SecondOfferWindowEnd(MustParseDate("2025-04-07")), "2025-05-19"},
		{"RTT.md §2: across a year end", SecondOfferWindowEnd(MustParseDate("2025-12-01")), "2026-01-12"},
		{"SCENARIOS 13: monitoring from 24 Mar → review 16 Jun", ActiveMonitoringReviewDue(MustParseDate("2025-03-24")), "2025-06-16"},
		{"RTT.md §2: review across a leap day", ActiveMonitoringReviewDue(MustParseDate("2024-01-15")), "2024-04-08"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.got.String(), c.source)
	}
	// SCENARIOS 13: the second offer (28 Apr) falls inside the window of the first (7 Apr).
	require.False(t, MustParseDate("2025-04-28").After(SecondOfferWindowEnd(MustParseDate("2025-04-07"))))
	require.Equal(t, 42, SecondOfferWindowDays)
	require.Equal(t, 84, ActiveMonitoringReviewDays)
}

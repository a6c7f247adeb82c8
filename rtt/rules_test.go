package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// SCENARIOS.md 13 and 14 (RTT.md §2): 21 days' notice is reasonable, 10 is not; the
// second date within 6 weeks of the first; review 12 weeks after active monitoring.
func TestOfferRules(t *testing.T) {
	require.True(t, IsReasonableOffer(MustParseDate("2025-03-10"), MustParseDate("2025-04-07")))
	require.True(t, IsReasonableOffer(MustParseDate("2025-03-10"), MustParseDate("2025-03-31")))
	require.False(t, IsReasonableOffer(MustParseDate("2025-03-10"), MustParseDate("2025-03-30")))
	require.False(t, IsReasonableOffer(MustParseDate("2025-03-10"), MustParseDate("2025-03-20")))
	require.Equal(t, MustParseDate("2025-05-19"), SecondOfferWindowEnd(MustParseDate("2025-04-07")))
	require.Equal(t, MustParseDate("2025-06-16"), ActiveMonitoringReviewDue(MustParseDate("2025-03-24")))
}

// SCENARIOS.md 22 (RTT.md §6): listed 3 Mar 2025, P2 due 31 Mar, P3 due 26 May.
func TestPriorityDueDates(t *testing.T) {
	listed := MustParseDate("2025-03-03")
	cases := []struct {
		p   Priority
		due string
		ok  bool
	}{
		{P1a, "2025-03-04", true}, {P1b, "2025-03-06", true},
		{P2, "2025-03-31", true}, {P3, "2025-05-26", true}, {P4, "", false},
	}
	for _, c := range cases {
		due, ok := c.p.DueDate(listed)
		require.Equal(t, c.ok, ok, c.p)
		if ok {
			require.Equal(t, c.due, due.String(), c.p)
		}
	}
	_, err := ParsePriority("P5")
	require.Error(t, err)
	p, err := ParsePriority("P1b")
	require.NoError(t, err)
	require.Less(t, p.Rank(), P2.Rank())
}

// SCENARIOS.md 18 (RTT.md §6): cancelled on the day 10 Jun 2025 → deadline 8 Jul.
// RTT.md §5: cancer 28/31/62-day and DM01 6-week due dates.
func TestGuaranteeDeadlines(t *testing.T) {
	require.Equal(t, MustParseDate("2025-07-08"), TwentyEightDayDeadline(MustParseDate("2025-06-10")))
	ref := MustParseDate("2025-01-06")
	require.Equal(t, MustParseDate("2025-02-03"), CancerFDSDue(ref))
	require.Equal(t, MustParseDate("2025-03-09"), Cancer62DayDue(ref))
	require.Equal(t, MustParseDate("2025-02-06"), Cancer31DayDue(ref))
	require.Equal(t, MustParseDate("2025-02-17"), DM01Due(ref))
}

// RTT.md §4 [DD]: every national code and its effect.
func TestStatusTable(t *testing.T) {
	want := map[string]Effect{
		"10": EffectStart, "11": EffectStart, "12": EffectStart, "20": EffectContinue,
		"21": EffectTransfer, "30": EffectStop, "31": EffectStop, "32": EffectStop,
		"33": EffectNullify, "34": EffectStop, "35": EffectStop, "36": EffectStop,
		"90": EffectNotRTT, "91": EffectNotRTT, "92": EffectNotRTT, "98": EffectNotRTT, "99": EffectNotRTT,
	}
	require.Len(t, AllStatuses(), len(want))
	for code, effect := range want {
		s, ok := LookupStatus(code)
		require.True(t, ok, code)
		require.Equal(t, effect, s.Effect, code)
		require.NotEmpty(t, s.Meaning)
	}
	for _, bad := range []string{"", "13", "3", "300", "ab"} {
		_, ok := LookupStatus(bad)
		require.False(t, ok, bad)
	}
}

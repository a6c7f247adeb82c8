package rtt

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// RTT.md §3 band edges: "0-1" holds 0–7 days, "1-2" 8–14, "17-18" 120–126,
// "51-52" 358–364, "104+" from 729.
func TestWeekBandEdges(t *testing.T) {
	cases := []struct {
		days  int
		label string
	}{
		{0, "0-1"}, {7, "0-1"}, {8, "1-2"}, {14, "1-2"}, {15, "2-3"},
		{120, "17-18"}, {126, "17-18"}, {127, "18-19"},
		{358, "51-52"}, {364, "51-52"}, {365, "52-53"},
		{728, "103-104"}, {729, "104+"}, {5000, "104+"},
	}
	for _, c := range cases {
		require.Equal(t, c.label, WeekBandLabel(WeekBand(c.days)), "%d days", c.days)
	}
}

// SCENARIOS.md 10: referral 2 Jan 2025 and nothing else.
func TestScenario10ThresholdDates(t *testing.T) {
	start := MustParseDate("2025-01-02")
	census := MustParseDate("2025-03-31")
	require.Equal(t, 88, WaitDays(start, census))
	require.Equal(t, "12-13", WeekBandLabel(WeekBand(88)))
	require.Equal(t, 126, WaitDays(start, MustParseDate("2025-05-08")))
	require.True(t, WithinStandard(126))
	require.False(t, WithinStandard(127))
	require.Equal(t, MustParseDate("2025-05-09"), BreachDate(start))
	require.Equal(t, MustParseDate("2026-01-02"), ThresholdDate(start, 52))
	require.Equal(t, MustParseDate("2026-04-03"), ThresholdDate(start, 65))
	require.Equal(t, MustParseDate("2026-07-03"), ThresholdDate(start, 78))
	require.Equal(t, MustParseDate("2027-01-01"), ThresholdDate(start, 104))
	require.Equal(t, "104+", WeekBandLabel(WeekBand(WaitDays(start, MustParseDate("2027-01-01")))))
	require.Equal(t, "103-104", WeekBandLabel(WeekBand(WaitDays(start, MustParseDate("2026-12-31")))))
}

// RTT.md §3: over 52 weeks from 365 days, 65 from 456, 78 from 547, 104 from 729.
func TestOverThresholds(t *testing.T) {
	for weeks, first := range map[int]int{52: 365, 65: 456, 78: 547, 104: 729} {
		require.False(t, Over(first-1, weeks), "%d weeks", weeks)
		require.True(t, Over(first, weeks), "%d weeks", weeks)
	}
}

// [RR25 10.1.7]: same-day start and stop is 0 days, band 0-1.
func TestSameDayIsZeroDays(t *testing.T) {
	d := MustParseDate("2025-04-01")
	require.Equal(t, 0, WaitDays(d, d))
	require.Equal(t, 0, WeekBand(0))
}

// Across the spring and autumn clock changes a day is still a day.
func TestWaitsIgnoreDST(t *testing.T) {
	require.Equal(t, 1, WaitDays(MustParseDate("2025-03-29"), MustParseDate("2025-03-30")))
	require.Equal(t, 1, WaitDays(MustParseDate("2025-10-25"), MustParseDate("2025-10-26")))
	require.Equal(t, 365, WaitDays(MustParseDate("2025-01-01"), MustParseDate("2026-01-01")))
	require.Equal(t, 366, WaitDays(MustParseDate("2024-01-01"), MustParseDate("2025-01-01")))
}

func genDate(t *rapid.T, label string) Date {
	return NewDate(2000, 1, 1).AddDays(rapid.IntRange(0, 20000).Draw(t, label))
}

func TestPropertyWaitsNeverNegativeAndGrowByOneADay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := genDate(t, "start")
		on := genDate(t, "on")
		w := WaitDays(start, on)
		if w < 0 {
			t.Fatalf("negative wait %d", w)
		}
		if !on.Before(start) && WaitDays(start, on.AddDays(1)) != w+1 {
			t.Fatalf("a running clock must grow by one a day")
		}
	})
}

func TestPropertyBandsPartitionDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		days := rapid.IntRange(0, 2000).Draw(t, "days")
		k := WeekBand(days)
		next := WeekBand(days + 1)
		if next != k && next != k+1 {
			t.Fatalf("bands skip from %d to %d at %d days", k, next, days)
		}
		if k < Bands-1 && (days > 7*(k+1) || (k > 0 && days <= 7*k)) {
			t.Fatalf("%d days outside band %s", days, WeekBandLabel(k))
		}
		if WithinStandard(days) != (k < 18) {
			t.Fatalf("within 18 weeks must equal bands 0-1 … 17-18 at %d days", days)
		}
	})
}

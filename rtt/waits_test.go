package rtt

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Given a clock start and an end (stop or census), when the wait is measured, then it
// is the calendar days between them, in the published band, in or out of 18 weeks.
func TestWaitDaysScenarios(t *testing.T) {
	cases := []struct {
		source     string
		start, end string
		days       int
		band       string
		within     bool
	}{
		{"SCENARIOS 3, [RR25 11.3]: transfer keeps the 2 Jan start; 31 Mar census", "2025-01-02", "2025-03-31", 88, "12-13", true},
		{"SCENARIOS 4, [RR25 10.1.7]: same-day start and treatment", "2025-04-01", "2025-04-01", 0, "0-1", true},
		{"SCENARIOS 10: last compliant day", "2025-01-02", "2025-05-08", 126, "17-18", true},
		{"SCENARIOS 10: first breach day", "2025-01-02", "2025-05-09", 127, "18-19", false},
		{"SCENARIOS 10: over 52 weeks", "2025-01-02", "2026-01-02", 365, "52-53", false},
		{"SCENARIOS 10: band 104+", "2025-01-02", "2027-01-01", 729, "104+", false},
		{"SCENARIOS 10: last day of 103-104", "2025-01-02", "2026-12-31", 728, "103-104", false},
		{"SCENARIOS 11: new period from the rebooking call", "2025-02-10", "2025-06-02", 112, "15-16", true},
		{"SCENARIOS 12: follow-up DNA rebooked, 31 Mar census", "2025-01-06", "2025-03-31", 84, "11-12", true},
		{"SCENARIOS 12: discharged under the DNA policy", "2025-01-06", "2025-03-03", 56, "7-8", true},
		{"SCENARIOS 13: active monitoring agreed 24 Mar", "2025-01-06", "2025-03-24", 77, "10-11", true},
		{"SCENARIOS 13: new period 2 Jun, admitted 30 Jun", "2025-06-02", "2025-06-30", 28, "3-4", true},
		{"SCENARIOS 16: first eye", "2025-01-06", "2025-04-14", 98, "13-14", true},
		{"SCENARIOS 17: surgery 12 May", "2025-01-06", "2025-05-12", 126, "17-18", true},
		{"SCENARIOS 17: polyp removed at the diagnostic", "2025-01-06", "2025-03-10", 63, "8-9", true},
		{"SCENARIOS 18: the clock ran on past the 10 Jun cancellation (6 Jan start assumed)", "2025-01-06", "2025-07-09", 184, "26-27", false},
		{"RTT.md §3: spring clock change is still one day", "2025-03-29", "2025-03-30", 1, "0-1", true},
		{"RTT.md §3: autumn clock change is still one day", "2025-10-25", "2025-10-26", 1, "0-1", true},
		{"RTT.md §3: a leap year has 366 days", "2024-01-01", "2025-01-01", 366, "52-53", false},
		{"ours: an end before the start is 0, never negative", "2025-03-10", "2025-03-01", 0, "0-1", true},
	}
	for _, c := range cases {
		days := WaitDays(MustParseDate(c.start), MustParseDate(c.end))
		require.Equal(t, c.days, days, c.source)
		require.Equal(t, c.band, WeekBandLabel(WeekBand(days)), c.source)
		require.Equal(t, c.within, WithinStandard(days), c.source)
	}
}

// RTT.md §3: "0-1" holds 0–7 days, "1-2" 8–14, "17-18" 120–126, "51-52" 358–364,
// "104+" from 729.
func TestWeekBandEdges(t *testing.T) {
	cases := []struct {
		days  int
		index int
		label string
	}{
		{0, 0, "0-1"}, {1, 0, "0-1"}, {7, 0, "0-1"}, {8, 1, "1-2"}, {14, 1, "1-2"}, {15, 2, "2-3"},
		{120, 17, "17-18"}, {126, 17, "17-18"}, {127, 18, "18-19"},
		{358, 51, "51-52"}, {364, 51, "51-52"}, {365, 52, "52-53"},
		{722, 103, "103-104"}, {728, 103, "103-104"}, {729, 104, "104+"}, {5000, 104, "104+"},
		{-3, 0, "0-1"}, // ours: WaitDays never yields this; clamp rather than index out of range
	}
	for _, c := range cases {
		require.Equal(t, c.index, WeekBand(c.days), "%d days", c.days)
		require.Equal(t, c.label, WeekBandLabel(WeekBand(c.days)), "%d days", c.days)
	}
	require.Equal(t, 105, Bands)
	seen := map[string]bool{}
	for k := 0; k < Bands; k++ {
		seen[WeekBandLabel(k)] = true
	}
	require.Len(t, seen, Bands, "every band has its own label")
	require.Equal(t, "104+", WeekBandLabel(Bands))
	require.Equal(t, "0-1", WeekBandLabel(-1))
}

// RTT.md §3: within 18 weeks ≤ 126 days; breach day start+127; over 52 weeks from
// 365 days, 65 from 456, 78 from 547, 104 from 729. SCENARIOS 10 gives the dates.
func TestThresholds(t *testing.T) {
	start := MustParseDate("2025-01-02")
	cases := []struct {
		weeks    int
		firstDay int
		date     string
	}{
		{18, 127, "2025-05-09"},
		{52, 365, "2026-01-02"},
		{65, 456, "2026-04-03"},
		{78, 547, "2026-07-03"},
		{104, 729, "2027-01-01"},
	}
	for _, c := range cases {
		require.False(t, Over(c.firstDay-1, c.weeks), "%d weeks", c.weeks)
		require.True(t, Over(c.firstDay, c.weeks), "%d weeks", c.weeks)
		require.Equal(t, c.date, ThresholdDate(start, c.weeks).String(), "%d weeks", c.weeks)
		require.Equal(t, c.firstDay, WaitDays(start, ThresholdDate(start, c.weeks)))
	}
	require.Equal(t, MustParseDate("2025-05-09"), BreachDate(start))
	require.Equal(t, ThresholdDate(start, 18), BreachDate(start))
	require.True(t, WithinStandard(StandardDays))
	require.False(t, WithinStandard(StandardDays+1))
}

// SCENARIOS 13: the clock runs on through declined offers (nothing subtracted) and
// freezes at the active-monitoring stop.
func TestWaitAsAt(t *testing.T) {
	start := MustParseDate("2025-01-06")
	stop := MustParseDate("2025-03-24")
	require.Equal(t, 63, WaitAsAt(start, nil, MustParseDate("2025-03-10")), "offer 1 declined: still running")
	require.Equal(t, 70, WaitAsAt(start, nil, MustParseDate("2025-03-17")), "offer 2 declined: still running")
	require.Equal(t, 70, WaitAsAt(start, &stop, MustParseDate("2025-03-17")), "before the stop it is the running wait")
	require.Equal(t, 77, WaitAsAt(start, &stop, stop))
	require.Equal(t, 77, WaitAsAt(start, &stop, MustParseDate("2025-06-16")), "frozen after the stop")
	require.Equal(t, 0, WaitAsAt(start, nil, MustParseDate("2025-01-01")), "as at a date before the start")
}

func genDate(t *rapid.T, label string) Date {
	return MustParseDate("2000-01-01").AddDays(rapid.IntRange(0, 20000).Draw(t, label))
}

func TestPropertyWaitsNeverNegative(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start, end, on := genDate(t, "start"), genDate(t, "end"), genDate(t, "on")
		if w := WaitDays(start, end); w < 0 {
			t.Fatalf("negative wait %d", w)
		}
		if w := WaitAsAt(start, &end, on); w < 0 {
			t.Fatalf("negative stopped wait %d", w)
		}
		if w := WaitAsAt(start, nil, on); w < 0 {
			t.Fatalf("negative running wait %d", w)
		}
	})
}

func TestPropertyRunningWaitGrowsByOneADay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := genDate(t, "start")
		on := start.AddDays(rapid.IntRange(0, 3000).Draw(t, "elapsed"))
		var stop *Date
		if rapid.Bool().Draw(t, "stopped later") {
			s := on.AddDays(rapid.IntRange(1, 3000).Draw(t, "until stop"))
			stop = &s
		}
		if got, want := WaitAsAt(start, stop, on.AddDays(1)), WaitAsAt(start, stop, on)+1; got != want {
			t.Fatalf("running clock at %s: %d the next day, want %d", on, got, want)
		}
		if WaitAsAt(start, stop, on) != DaysBetween(start, on) {
			t.Fatalf("a running wait is the plain calendar days")
		}
	})
}

func TestPropertyStoppedWaitFreezes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := genDate(t, "start")
		stop := start.AddDays(rapid.IntRange(0, 3000).Draw(t, "to stop"))
		later := stop.AddDays(rapid.IntRange(0, 5000).Draw(t, "after stop"))
		if got := WaitAsAt(start, &stop, later); got != WaitDays(start, stop) {
			t.Fatalf("stopped on %s, as at %s: %d, want frozen %d", stop, later, got, WaitDays(start, stop))
		}
	})
}

// bandBounds reads a published label: "a-b" holds (7a, 7b] days, except "0-1" which
// also holds 0; "104+" holds everything from 729.
func bandBounds(t *rapid.T, label string) (lo, hi int) {
	if label == "104+" {
		return 729, int(^uint(0) >> 1)
	}
	a, b, ok := strings.Cut(label, "-")
	if !ok {
		t.Fatalf("label %q", label)
	}
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || to != from+1 {
		t.Fatalf("label %q", label)
	}
	if from == 0 {
		return 0, 7
	}
	return 7*from + 1, 7 * to
}

// Bands partition all days: each day is in exactly the band its label describes, and
// consecutive bands meet with no gap or overlap.
func TestPropertyBandsPartitionDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		days := rapid.IntRange(0, 5000).Draw(t, "days")
		k := WeekBand(days)
		lo, hi := bandBounds(t, WeekBandLabel(k))
		if days < lo || days > hi {
			t.Fatalf("%d days put in %s (%d–%d)", days, WeekBandLabel(k), lo, hi)
		}
		if k > 0 {
			_, prevHi := bandBounds(t, WeekBandLabel(k-1))
			if prevHi+1 != lo {
				t.Fatalf("gap or overlap between %s and %s", WeekBandLabel(k-1), WeekBandLabel(k))
			}
		}
		if next := WeekBand(days + 1); next != k && next != k+1 {
			t.Fatalf("bands skip from %d to %d after %d days", k, next, days)
		}
		if WithinStandard(days) != (k < 18) {
			t.Fatalf("within 18 weeks must equal bands 0-1 … 17-18 at %d days", days)
		}
		for _, w := range []int{52, 65, 78, 104} {
			if Over(days, w) != (k >= w) {
				t.Fatalf("over %d weeks must equal band ≥ %d at %d days", w, w, days)
			}
		}
	})
}

package rttreport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/rtt"
)

var d = rtt.MustParseDate

func open(id, spec, start string) Period {
	return Period{PathwayID: id, SpecialtyCode: spec, StartedOn: d(start)}
}

// SCENARIOS.md 3 [RR25 11.3]: a transfer keeps the 2 Jan start; at the 31 Mar census the
// wait is 88 days, band 12-13.
func TestIncompleteWaitAtCensusUsesClockStart(t *testing.T) {
	r := Compute(d("2025-03-31"), []Period{open("a", "110", "2025-01-02")})
	require.Equal(t, 1, r.Incomplete.Total)
	require.Equal(t, 1, r.Incomplete.Bands[12], "88 days is band 12-13")
	require.Equal(t, 1, r.Incomplete.Within18Weeks)
	require.Len(t, r.Incomplete.ByTreatmentFunction, 1)
	require.Equal(t, "C_110", r.Incomplete.ByTreatmentFunction[0].Code)
	require.Nil(t, r.Incomplete.MedianWeeks, "suppressed below 50 pathways")
	require.Equal(t, 0, r.NewPeriods, "started in January, census month is March")
}

// SCENARIOS.md 21 (RTT.md §8): 1,000 open pathways, 300 with a decision to admit.
func TestPart2AIsTheSubsetWithAnOpenDecisionToAdmit(t *testing.T) {
	census := d("2025-03-31")
	var ps []Period
	for i := 0; i < 1000; i++ {
		p := open(fmt.Sprint(i), "100", "2025-03-01")
		if i < 300 {
			p.HasDTA, p.DTAFrom = true, d("2025-03-10")
		}
		ps = append(ps, p)
	}
	// A DTA that ended before the census (removed from the list) does not count.
	removed := open("removed", "100", "2025-03-01")
	removed.HasDTA, removed.DTAFrom, removed.HasDTAUntil, removed.DTAUntil = true, d("2025-03-02"), true, d("2025-03-20")
	ps = append(ps, removed)
	r := Compute(census, ps)
	require.Equal(t, 1001, r.Incomplete.Total)
	require.Equal(t, 300, r.IncompleteWithDTA.Total)
	require.Equal(t, 1001, r.NewPeriods)
	require.Empty(t, Checks(r))
	require.NotNil(t, r.Incomplete.MedianWeeks)
	require.InDelta(t, 100.0, *r.Incomplete.PercentWithin18Weeks, 1e-9)
}

func TestCompletedPeriodsSplitAdmittedAndNonAdmittedInCensusMonthOnly(t *testing.T) {
	census := d("2025-06-30")
	admitted := open("adm", "130", "2025-01-06")
	admitted.Stopped, admitted.StoppedOn, admitted.StopStatus, admitted.Admitted = true, d("2025-06-02"), "30", true
	nonAdmitted := open("non", "502", "2025-03-01")
	nonAdmitted.Stopped, nonAdmitted.StoppedOn, nonAdmitted.StopStatus = true, d("2025-06-15"), "34"
	lastMonth := open("old", "502", "2025-03-01")
	lastMonth.Stopped, lastMonth.StoppedOn, lastMonth.StopStatus = true, d("2025-05-31"), "30"
	afterCensus := open("late", "502", "2025-03-01")
	afterCensus.Stopped, afterCensus.StoppedOn, afterCensus.StopStatus = true, d("2025-07-01"), "30"
	nullified := open("dna", "502", "2025-06-01")
	nullified.Stopped, nullified.StoppedOn, nullified.StopStatus, nullified.Nullified = true, d("2025-06-20"), "33", true

	r := Compute(census, []Period{admitted, nonAdmitted, lastMonth, afterCensus, nullified})
	require.Equal(t, 1, r.CompletedAdmitted.Total)
	require.Equal(t, 1, r.CompletedAdmitted.Bands[rtt.WeekBand(147)], "6 Jan to 2 Jun is 147 days")
	require.Equal(t, 0, r.CompletedAdmitted.Within18Weeks)
	require.Equal(t, 1, r.CompletedNonAdmitted.Total)
	require.Equal(t, 1, r.Incomplete.Total, "stopped after the census: still incomplete on it")
	require.Equal(t, 0, r.NewPeriods, "a nullified period counts in no statistic")
}

func TestOverThresholdCounts(t *testing.T) {
	census := d("2026-12-31")
	ps := []Period{
		open("w52", "100", "2025-12-31"),  // 365 days
		open("w51", "100", "2026-01-01"),  // 364 days
		open("w104", "100", "2024-12-31"), // 730 days
	}
	r := Compute(census, ps)
	require.Equal(t, 2, r.Incomplete.Over52Weeks)
	require.Equal(t, 1, r.Incomplete.Over65Weeks)
	require.Equal(t, 1, r.Incomplete.Over78Weeks)
	require.Equal(t, 1, r.Incomplete.Over104Weeks)
	require.Equal(t, 1, r.Incomplete.Bands[104])
}

// SCENARIOS.md 23: 552 pathways, 240 below band 5-6 and 38 in it → median 5.9605 weeks.
func TestMedianFollowsThePublishedConvention(t *testing.T) {
	census := d("2025-03-31")
	var ps []Period
	add := func(n, days int) {
		for i := 0; i < n; i++ {
			ps = append(ps, open(fmt.Sprint(len(ps)), "100", census.AddDays(-days).String()))
		}
	}
	add(240, 14) // bands below 5-6
	add(38, 40)  // band 5-6 (36–42 days)
	add(274, 300)
	r := Compute(census, ps)
	require.NotNil(t, r.Incomplete.MedianWeeks)
	require.InDelta(t, 5.0+(276.5-240)/38, *r.Incomplete.MedianWeeks, 1e-9)
}

func TestChecksCatchAnInconsistentReturn(t *testing.T) {
	r := Compute(d("2025-03-31"), []Period{open("a", "110", "2025-03-01")})
	r.IncompleteWithDTA.Total = 5
	r.Incomplete.Bands[3]++
	checks := Checks(r)
	rules := map[string]bool{}
	for _, c := range checks {
		rules[c.Rule] = true
	}
	require.True(t, rules["part2a_not_above_part2"])
	require.True(t, rules["total_equals_sum_of_rows"])
}

func TestPart3BelowShortWaitsIsAWarning(t *testing.T) {
	// February census: a 31 January start waits 28 days (band 3-4) but is not a
	// February new period.
	r := Compute(d("2025-02-28"), []Period{open("a", "110", "2025-01-31")})
	checks := Checks(r)
	require.Len(t, checks, 1)
	require.Equal(t, "part3_below_part2_up_to_4_weeks", checks[0].Rule)
	require.Equal(t, "warning", checks[0].Severity)
}

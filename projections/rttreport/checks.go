package rttreport

import (
	"fmt"

	"github.com/pathway-ledger/ledger/rtt"
)

// Check is one failed national consistency check of a return (RTT.md §8).
type Check struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // "error": the return is wrong; "warning": explain it
	Detail   string `json:"detail"`
}

// Checks runs the national checks on a return and lists what fails; an empty list
// means the return may be submitted.
func Checks(r Report) []Check {
	var out []Check
	parts := []struct {
		name string
		p    *Part
	}{
		{"Part 1A", &r.CompletedAdmitted}, {"Part 1B", &r.CompletedNonAdmitted},
		{"Part 2", &r.Incomplete}, {"Part 2A", &r.IncompleteWithDTA},
	}
	for _, pt := range parts {
		out = append(out, sumChecks(pt.name, pt.p)...)
	}
	out = append(out, subsetChecks(&r.Incomplete, &r.IncompleteWithDTA)...)
	upTo4 := 0
	for k := 0; k < 4; k++ {
		upTo4 += r.Incomplete.Bands[k]
	}
	if r.NewPeriods < upTo4 {
		// A plausibility check, not an identity: a February census holds 28-day waits
		// that started in January, so it is a warning to explain.
		out = append(out, Check{Rule: "part3_below_part2_up_to_4_weeks", Severity: "warning",
			Detail: fmt.Sprintf("Part 3 new periods %d < Part 2 waits up to 4 weeks %d", r.NewPeriods, upTo4)})
	}
	return out
}

func sumChecks(name string, p *Part) []Check {
	var out []Check
	var sum [rtt.Bands]int
	total, bandTotal := 0, 0
	for _, l := range p.ByTreatmentFunction {
		total += l.Total
		for k, n := range l.Bands {
			if n < 0 {
				out = append(out, Check{Rule: "no_negatives", Severity: "error",
					Detail: fmt.Sprintf("%s %s band %s is %d", name, l.Code, rtt.WeekBandLabel(k), n)})
			}
			sum[k] += n
		}
	}
	for k, n := range p.Bands {
		bandTotal += n
		if sum[k] != n {
			out = append(out, Check{Rule: "total_equals_sum_of_rows", Severity: "error",
				Detail: fmt.Sprintf("%s band %s: total %d, rows sum to %d", name, rtt.WeekBandLabel(k), n, sum[k])})
		}
	}
	if total != p.Total || bandTotal != p.Total {
		out = append(out, Check{Rule: "total_equals_sum_of_rows", Severity: "error",
			Detail: fmt.Sprintf("%s total %d, rows sum to %d, bands sum to %d", name, p.Total, total, bandTotal)})
	}
	return out
}

func subsetChecks(part2, part2A *Part) []Check {
	var out []Check
	if part2A.Total > part2.Total {
		out = append(out, Check{Rule: "part2a_not_above_part2", Severity: "error",
			Detail: fmt.Sprintf("Part 2A total %d exceeds Part 2 total %d", part2A.Total, part2.Total)})
	}
	lines := map[string]int{}
	for _, l := range part2.ByTreatmentFunction {
		lines[l.Code] = l.Total
	}
	for _, l := range part2A.ByTreatmentFunction {
		if l.Total > lines[l.Code] {
			out = append(out, Check{Rule: "part2a_not_above_part2", Severity: "error",
				Detail: fmt.Sprintf("%s: Part 2A %d exceeds Part 2 %d", l.Code, l.Total, lines[l.Code])})
		}
	}
	return out
}

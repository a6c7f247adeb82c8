package rttreport

import (
	"iter"

	"github.com/pathway-ledger/ledger/rtt"
)

// Report is the monthly RTT return for one census date (API.md RttReport).
type Report struct {
	CensusOn             rtt.Date `json:"census_on"`
	Incomplete           Part     `json:"incomplete"`
	IncompleteWithDTA    Part     `json:"incomplete_with_dta"`
	CompletedAdmitted    Part     `json:"completed_admitted"`
	CompletedNonAdmitted Part     `json:"completed_non_admitted"`
	NewPeriods           int      `json:"new_periods"`
	// NewPeriodsByTreatmentFunction is Part 3 by reporting line, for the full extract.
	NewPeriodsByTreatmentFunction map[string]int `json:"new_periods_by_treatment_function"`
}

// Compute builds the return for census: incomplete periods are a snapshot on the
// census date (wait = census − start, never reduced by patient-initiated delay: no
// pauses since Oct 2015, RTT.md §2); completed periods and new periods are those
// stopped or started in the census date's calendar month up to the census date.
func Compute(census rtt.Date, periods []Period) Report {
	return ComputeAll(census, func(yield func(*Period) bool) {
		for i := range periods {
			if !yield(&periods[i]) {
				return
			}
		}
	})
}

// ComputeAll is Compute over periods handed one at a time, for a caller that holds
// them in another form and need not build a slice of them all (a million pathways'
// records are over 100 MB as Periods).
func ComputeAll(census rtt.Date, periods iter.Seq[*Period]) Report {
	from := census.MonthStart()
	incomplete, withDTA := newPartTally(), newPartTally()
	admitted, nonAdmitted := newPartTally(), newPartTally()
	r := Report{CensusOn: census, NewPeriodsByTreatmentFunction: map[string]int{}}
	for p := range periods {
		line := rtt.ReportingLine(p.SpecialtyCode)
		switch {
		case p.IncompleteOn(census):
			days := rtt.WaitDays(p.StartedOn, census)
			incomplete.add(line, days)
			if p.dtaOpenOn(census) {
				withDTA.add(line, days)
			}
		case p.completedIn(from, census):
			days := rtt.WaitDays(p.StartedOn, p.StoppedOn)
			if p.Admitted {
				admitted.add(line, days)
			} else {
				nonAdmitted.add(line, days)
			}
		}
		if !p.Nullified && !p.StartedOn.Before(from) && !p.StartedOn.After(census) {
			r.NewPeriods++
			r.NewPeriodsByTreatmentFunction[line]++
		}
	}
	r.Incomplete = incomplete.part()
	r.IncompleteWithDTA = withDTA.part()
	r.CompletedAdmitted = admitted.part()
	r.CompletedNonAdmitted = nonAdmitted.part()
	return r
}

// Package rttreport computes the monthly RTT return (Parts 1A, 1B, 2, 2A and 3) from
// compact per-period records, by national reporting line and in total, with the
// published week-band percentile convention.
package rttreport

import "github.com/pathway-ledger/ledger/rtt"

// Period is the least a return needs to know about one RTT period. It is built by
// the pathways read model from the pathway events; nothing here reads the log.
type Period struct {
	PathwayID     string
	SpecialtyCode string // treatment function code, e.g. "110"
	StartedOn     rtt.Date
	// Stopped is false while the clock runs; StoppedOn and StopStatus then are zero.
	Stopped    bool
	StoppedOn  rtt.Date
	StopStatus string
	// Nullified periods (a first-appointment DNA, code 33) count in no statistic [DD].
	Nullified bool
	// Admitted marks a stop by admitted treatment (Part 1A); other stops are Part 1B.
	Admitted bool
	// Transferred: the period left for another provider on StoppedOn; it is
	// incomplete here until then and never completed here.
	Transferred bool
	// DTA intervals: a decision to admit open from DTAFrom until DTAUntil (exclusive),
	// HasDTAUntil false while it is still open. Part 2A counts the incomplete periods
	// with a DTA open on the census date. These fields hold the period's latest
	// decision; EarlierDTAs the closed ones before it (a patient taken off the list
	// and put back while the clock runs), nil for almost every period.
	HasDTA      bool
	DTAFrom     rtt.Date
	HasDTAUntil bool
	DTAUntil    rtt.Date
	EarlierDTAs []DTA
}

// DTA is a closed decision to admit: open from From until Until (exclusive).
type DTA struct{ From, Until rtt.Date }

// IncompleteOn reports whether the period is an incomplete pathway at the census
// date (Part 2): started on or before it, not stopped by then, not nullified.
func (p *Period) IncompleteOn(census rtt.Date) bool {
	if p.Nullified || p.StartedOn.After(census) {
		return false
	}
	return !p.Stopped || p.StoppedOn.After(census)
}

func (p *Period) dtaOpenOn(census rtt.Date) bool {
	for _, d := range p.EarlierDTAs {
		if !d.From.After(census) && d.Until.After(census) {
			return true
		}
	}
	if !p.HasDTA || p.DTAFrom.After(census) {
		return false
	}
	return !p.HasDTAUntil || p.DTAUntil.After(census)
}

func (p *Period) completedIn(from, census rtt.Date) bool {
	return !p.Nullified && !p.Transferred && p.Stopped && !p.StoppedOn.Before(from) && !p.StoppedOn.After(census)
}

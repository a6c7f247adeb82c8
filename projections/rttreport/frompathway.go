package rttreport

import (
	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// FromPathway gives the return's records of every RTT period of a folded pathway:
// admitted stops (Part 1A) are treatment by admission or day case; the decision to
// admit that was open during the period (Part 2A) runs from its decided_on until the
// entry closed; transferred-out periods are neither incomplete after the transfer nor
// completed here (the receiving provider reports them).
func FromPathway(s *pathway.State) []Period {
	out := make([]Period, 0, len(s.Periods))
	for i := range s.Periods {
		p := &s.Periods[i]
		rec := Period{PathwayID: s.PathwayID, SpecialtyCode: s.SpecialtyCode, StartedOn: p.StartedOn,
			Nullified: p.Nullified, Admitted: p.Admitted}
		if !p.Running() {
			rec.Stopped, rec.StoppedOn, rec.StopStatus = true, p.StoppedOn, p.StopStatus
		}
		if p.TransferredOut {
			rec.Transferred = true
		}
		for _, en := range s.Entries {
			if en.ListType == "planned" || en.DecidedOn.Before(p.StartedOn) {
				continue
			}
			if !p.Running() && en.DecidedOn.After(p.StoppedOn) {
				continue
			}
			rec.HasDTA, rec.DTAFrom = true, en.DecidedOn
			if !en.Open {
				rec.HasDTAUntil, rec.DTAUntil = true, en.ClosedOn
			}
		}
		out = append(out, rec)
	}
	return out
}

package rttreport

import (
	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// FromPathway gives the return's records of every RTT period of a folded pathway:
// admitted stops (Part 1A) are treatment by admission or day case; the decision to
// admit that was open during the period (Part 2A) runs from its decided_on until the
// entry closed; transferred-out periods are neither incomplete after the transfer nor
// completed here (the receiving provider reports them).
func FromPathway(s *pathway.State) []Period {
	return AppendFromPathway(make([]Period, 0, len(s.Periods)), s)
}

// AppendFromPathway appends FromPathway's records to dst, for callers that reuse a
// buffer.
func AppendFromPathway(dst []Period, s *pathway.State) []Period {
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
			if rec.HasDTA && rec.HasDTAUntil {
				rec.EarlierDTAs = append(rec.EarlierDTAs, DTA{rec.DTAFrom, rec.DTAUntil})
			}
			rec.HasDTA, rec.DTAFrom = true, en.DecidedOn
			rec.HasDTAUntil, rec.DTAUntil = !en.Open, rtt.Date{}
			if !en.Open {
				rec.DTAUntil = en.ClosedOn
			}
		}
		dst = append(dst, rec)
	}
	return dst
}

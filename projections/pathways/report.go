package pathways

import (
	"slices"

	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// periodsLocked hands the return's record of every RTT period of every pathway (in no
// particular order, and without the pathway id, which the return does not need):
// admitted stops for Part 1A, the decision to admit from its decided_on to its close
// for Part 2A, nullified periods marked (no statistic counts them), transferred-out
// periods incomplete only until the transfer and never completed here. The caller
// holds the read lock.
func (m *ReadModel) periodsLocked(yield func(*rttreport.Period) bool) {
	more := true
	m.cold.eachPeriod(func(p *period) bool {
		r := m.codes.record(p)
		more = yield(&r)
		return more
	})
	if !more {
		return
	}
	for _, rc := range m.byID {
		for i := range rc.periods {
			r := m.codes.record(&rc.periods[i])
			if !yield(&r) {
				return
			}
		}
	}
}

// Report computes the monthly RTT return (Parts 1A, 1B, 2, 2A and 3) for a census
// date from every period the model holds, one record at a time.
func (m *ReadModel) Report(census rtt.Date) rttreport.Report {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return rttreport.ComputeAll(census, m.periodsLocked)
}

// IncompleteOn lists, sorted, the pathways with an RTT period incomplete on the
// census date as the return counts it (Part 2): started by then, not stopped by
// then, not nullified — finished pathways included when they were still waiting
// on that day. It is what a file of the waiting list on a past date starts from.
func (m *ReadModel) IncompleteOn(census rtt.Date) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []string
	waiting := func(ps []period) bool {
		for i := range ps {
			if r := m.codes.record(&ps[i]); r.IncompleteOn(census) {
				return true
			}
		}
		return false
	}
	for id, r := range m.byID {
		if r.exists && waiting(r.periods) {
			out = append(out, id)
		}
	}
	m.cold.eachUUID(func(k [16]byte, sp span) bool {
		if sp.stands() && waiting(m.cold.at(sp)) {
			out = append(out, uuidString(k[:]))
		}
		return true
	})
	for id, sp := range m.cold.byName {
		if sp.stands() && waiting(m.cold.at(sp)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

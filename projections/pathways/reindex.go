package pathways

import (
	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// indexNeutral: events that change nothing the indexes and return records are built
// from (periods but for their activity count, waiting-list entries, bookings, pre-op,
// the referral), so a pathway already indexed need not be indexed again. They are
// most of a log (appointments, offers, validations), and re-indexing is most of
// applying one.
func indexNeutral(e pathway.Event) bool {
	switch e.(type) {
	case pathway.ActivityRecorded, pathway.PatientDidNotAttend, pathway.OfferMade, pathway.OfferDeclined,
		pathway.OfferAccepted, pathway.PatientUnavailable, pathway.AlertFlagged, pathway.AlertCleared,
		pathway.ValidationRecorded:
		return true
	}
	return false
}

// reindex brings the PTL, duplicate and candidate indexes and the return records in
// line with p's state: a clock start, stop, nullification, transfer, correction or
// retraction can each move it. Afterwards p is listed exactly when its clock runs.
func (m *ReadModel) reindex(p *rec) {
	s := p.state
	p.stale = false
	if s.Exists != p.exists {
		if s.Exists {
			m.exists++
		} else {
			m.exists--
		}
		p.exists = s.Exists
	}
	p.periods = m.codes.periodsOf(s, p.periods[:0])
	p.spec = m.codes.specs.of(s.SpecialtyCode)
	p.listType, p.priority = 0, 0
	if en := s.OpenEntry(); en != nil {
		p.listType, p.priority = m.codes.small.of(en.ListType), m.codes.small.of(string(en.Priority))
	}
	running := s.Exists && s.Running() != nil
	p.guarantee = s.Exists && hasUntreatedGuarantee(s)
	var start rtt.Date
	var dup dupKey
	if running {
		start = s.Running().StartedOn
		dup = dupKeyOf(s.Patient.NHSNumber, p.spec)
	}
	if m.bulk {
		// What the rec says is all buildIndexes needs.
		p.listed, p.ptlSpec, p.dup, p.dupNext = running, p.spec, dup, nil
		if running {
			p.start = start
		}
		m.recandidate(p)
		return
	}
	if p.listed && (!running || !p.start.Equal(start) || p.ptlSpec != p.spec) {
		m.ptl.remove(p.start, p)
		m.specialtyPTL(p.ptlSpec).remove(p.start, p)
		p.listed = false
	}
	if running && !p.listed {
		m.ptl.insert(start, p)
		p.ptlSpec = p.spec
		m.specialtyPTL(p.ptlSpec).insert(start, p)
		p.listed, p.start = true, start
	}
	if p.dup != dup {
		if p.dup != 0 {
			m.dropDup(p)
		}
		p.dup = dup
		if dup != 0 {
			m.addDup(p)
		}
	}
	m.recandidate(p)
}

func (m *ReadModel) specialtyPTL(spec uint16) *ptlIndex {
	m.ptlBySpecialty = grow(m.ptlBySpecialty, spec)
	x := m.ptlBySpecialty[spec]
	if x == nil {
		x = &ptlIndex{}
		m.ptlBySpecialty[spec] = x
	}
	return x
}

// grow extends a per-specialty slice to hold code i.
func grow[T any](xs []T, i uint16) []T {
	if int(i) < len(xs) {
		return xs
	}
	return append(xs, make([]T, int(i)+1-len(xs))...)
}

// addDup files p under p.dup, at the head of its chain.
func (m *ReadModel) addDup(p *rec) {
	p.dupNext = m.dups[p.dup]
	m.dups[p.dup] = p
}

// dropDup takes p out of its chain under p.dup.
func (m *ReadModel) dropDup(p *rec) {
	head := m.dups[p.dup]
	switch {
	case head == p && p.dupNext == nil:
		delete(m.dups, p.dup)
	case head == p:
		m.dups[p.dup] = p.dupNext
	default:
		for x := head; x != nil; x = x.dupNext {
			if x.dupNext == p {
				x.dupNext = p.dupNext
				break
			}
		}
	}
	p.dupNext = nil
}

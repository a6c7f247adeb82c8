package pathways

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/rtt"
)

// candidate is what ranking a pathway for a session needs, kept up to date on
// every event so that suggestions read a small set, not the whole PTL.
type candidate struct {
	// minutes fits 32 bits (the aggregate allows at most a day's): with the dates
	// and flag in 16 bytes the candidate takes 64 bytes, not 80.
	minutes  int32
	due      rtt.Date
	start    rtt.Date
	hasDue   bool
	priority rtt.Priority
	preOp    *session.PreOp
	// bookings are the live admissions booked, for a session to see clashes on its
	// date without reading the state.
	bookings []bookedOn
}

type bookedOn struct {
	on  rtt.Date
	ref session.SessionRef
}

// recandidate moves p in or out of its specialty's candidate set.
func (m *ReadModel) recandidate(p *rec) {
	c := candidateOf(p.state, p.cand)
	// Each specialty's set is a slice with O(1) removal (the last member takes the
	// leaver's place); its order follows the log, and ranking breaks ties by id.
	if p.cand != nil && (c == nil || p.candSpec != p.spec) {
		set := m.bySpecialty[p.candSpec]
		last := set[len(set)-1]
		set[p.candIdx], last.candIdx = last, p.candIdx
		set[len(set)-1] = nil
		m.bySpecialty[p.candSpec] = set[:len(set)-1]
		p.cand = nil
	}
	if c != nil && p.cand == nil {
		m.bySpecialty = grow(m.bySpecialty, p.spec)
		p.candIdx, p.candSpec = int32(len(m.bySpecialty[p.spec])), p.spec
		m.bySpecialty[p.spec] = append(m.bySpecialty[p.spec], p)
	}
	p.cand = c
}

// candidateOf is what a session needs to rank s, nil when it is no candidate. Most
// events leave it as it was: then old itself comes back, and nothing is allocated.
func candidateOf(s *pathway.State, old *candidate) *candidate {
	if !s.Exists {
		return nil
	}
	en, run := s.OpenEntry(), s.Running()
	if en == nil || run == nil {
		return nil
	}
	c := candidate{minutes: int32(en.ExpectedMinutes), priority: en.Priority, start: run.StartedOn}
	c.due, c.hasDue = en.Priority.DueDate(en.PriorityFrom)
	if old != nil && samePreOp(old.preOp, s.PreOp) {
		c.preOp = old.preOp
	} else {
		c.preOp = preOpOf(s)
	}
	if old != nil && sameBookings(old.bookings, s.Bookings) {
		c.bookings = old.bookings
	} else {
		for i := range s.Bookings {
			if b := &s.Bookings[i]; !b.Cancelled {
				c.bookings = append(c.bookings, bookedOn{b.AdmissionOn,
					session.SessionRef{SessionID: strings.Clone(b.SessionID), BookingID: strings.Clone(b.BookingID)}})
			}
		}
	}
	if old != nil && old.minutes == c.minutes && old.priority == c.priority && old.start == c.start && old.due == c.due &&
		old.hasDue == c.hasDue && old.preOp == c.preOp && len(old.bookings) == len(c.bookings) &&
		(len(c.bookings) == 0 || &old.bookings[0] == &c.bookings[0]) {
		return old
	}
	return &c
}

func samePreOp(have *session.PreOp, p *pathway.PreOpAssessmentCompleted) bool {
	if have == nil || p == nil {
		return have == nil && p == nil
	}
	r := &p.Requirements
	return have.Outcome == p.Outcome && have.AssessedOn == p.AssessedOn &&
		(have.ValidUntil == nil) == (p.ValidUntil == nil) && (p.ValidUntil == nil || *have.ValidUntil == *p.ValidUntil) &&
		have.Requirements.HDUBed == r.HDUBed && have.Requirements.Radiology == r.Radiology &&
		have.Requirements.AnaesthetistGrade == r.AnaesthetistGrade && slices.Equal(have.Requirements.Kit, r.Kit) &&
		(have.Requirements.Kit == nil) == (r.Kit == nil)
}

// sameBookings: the live bookings of bs are have, in order.
func sameBookings(have []bookedOn, bs []pathway.Booking) bool {
	i := 0
	for k := range bs {
		b := &bs[k]
		if b.Cancelled {
			continue
		}
		if i == len(have) || have[i].on != b.AdmissionOn || have[i].ref.SessionID != b.SessionID || have[i].ref.BookingID != b.BookingID {
			return false
		}
		i++
	}
	return i == len(have)
}

// Candidates are the patients a session of a specialty may take: running RTT periods
// with an open waiting-list entry in that specialty, with what the session needs to
// judge them (pre-op, bookings on the session date). Entries recorded without
// expected minutes cannot be fitted to a list; they are counted, not returned.
func (m *ReadModel) Candidates(specialty string, sessionDate rtt.Date) (cs []session.Candidate, withoutMinutes int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var set []*rec
	if i, ok := m.codes.specs.lookup(specialty); ok && int(i) < len(m.bySpecialty) {
		set = m.bySpecialty[i]
	}
	cs = make([]session.Candidate, 0, len(set))
	for _, p := range set {
		c := p.cand
		if c.minutes <= 0 {
			withoutMinutes++
			continue
		}
		k := session.Candidate{ExpectedMinutes: int(c.minutes), Priority: c.priority, ClockStart: c.start,
			PatientFacts: session.PatientFacts{PathwayID: p.id, SpecialtyCode: specialty, PreOp: c.preOp,
				OtherBookingsOnDate: c.bookingsOn(sessionDate)}}
		if c.hasDue {
			due := c.due
			k.PriorityDueOn = &due
		}
		cs = append(cs, k)
	}
	return cs, withoutMinutes
}

func preOpOf(s *pathway.State) *session.PreOp {
	p := s.PreOp
	if p == nil {
		return nil
	}
	// Copies, not references: an unpacked state's strings share one block, which a
	// candidate outliving the state would otherwise keep alive.
	out := &session.PreOp{Outcome: own(p.Outcome), AssessedOn: p.AssessedOn,
		Requirements: session.Requirements{HDUBed: p.Requirements.HDUBed, Radiology: p.Requirements.Radiology,
			AnaesthetistGrade: own(p.Requirements.AnaesthetistGrade)}}
	if p.ValidUntil != nil {
		v := *p.ValidUntil
		out.ValidUntil = &v
	}
	if p.Requirements.Kit != nil {
		out.Requirements.Kit = make([]string, len(p.Requirements.Kit))
		for i, k := range p.Requirements.Kit {
			out.Requirements.Kit[i] = own(k)
		}
	}
	return out
}

// own is s in memory of its own: the packer's interned copy when s is one of
// the values every pathway shares (outcomes, grades), else a clone.
func own(s string) string {
	if i, ok := packInternIndex[s]; ok {
		return packIntern[i]
	}
	return strings.Clone(s)
}

func (c *candidate) bookingsOn(day rtt.Date) []session.SessionRef {
	var out []session.SessionRef
	for _, b := range c.bookings {
		if b.on.Equal(day) {
			out = append(out, b.ref)
		}
	}
	return out
}

func bookingsOn(s *pathway.State, day rtt.Date) []session.SessionRef {
	var out []session.SessionRef
	for i := range s.Bookings {
		b := &s.Bookings[i]
		if !b.Cancelled && b.AdmissionOn.Equal(day) {
			out = append(out, session.SessionRef{SessionID: b.SessionID, BookingID: b.BookingID})
		}
	}
	return out
}

// Facts is what a session needs to know about a pathway to schedule it on a date.
func Facts(s *pathway.State, sessionDate rtt.Date) session.PatientFacts {
	return session.PatientFacts{PathwayID: s.PathwayID, SpecialtyCode: s.SpecialtyCode,
		Closed: s.Closed || (s.Running() == nil && s.OpenEntry() == nil), PreOp: preOpOf(s),
		OtherBookingsOnDate: bookingsOn(s, sessionDate)}
}

// Guarantee is a 28-day guarantee (RTT.md §6) not yet met by treatment: a hospital,
// non-clinical cancellation on the day of admission or after arrival obliges the
// trust to treat within 28 days. Status: "rebooked" (a live booking falls on or
// before the deadline), "at_risk" (none does, deadline not passed) or "breached".
type Guarantee struct {
	PathwayID     string    `json:"pathway_id"`
	SpecialtyCode string    `json:"specialty_code"`
	BookingID     string    `json:"booking_id"`
	SessionID     string    `json:"session_id,omitempty"`
	CancelledOn   rtt.Date  `json:"cancelled_on"`
	Reason        string    `json:"reason"`
	Deadline      rtt.Date  `json:"deadline"`
	DaysLeft      int       `json:"days_left"`
	RebookedOn    *rtt.Date `json:"rebooked_on"`
	Status        string    `json:"status"`
}

// Guarantees lists the untreated 28-day guarantees on a date, most urgent deadline
// first; specialty "" is every specialty.
func (m *ReadModel) Guarantees(on rtt.Date, specialty string) ([]Guarantee, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []Guarantee{}
	for _, p := range m.byID {
		if !p.guarantee || (specialty != "" && m.codes.specs.name(p.spec) != specialty) {
			continue
		}
		st, err := m.stateOf(p)
		if err != nil {
			return nil, err
		}
		s := &st
		for i := range s.Bookings {
			b := &s.Bookings[i]
			deadline, ok := b.Guarantee()
			if !ok || treatedOnOrAfter(s, b.Cancelation.CancelledOn) {
				continue
			}
			g := Guarantee{PathwayID: p.id, SpecialtyCode: s.SpecialtyCode, BookingID: b.BookingID, SessionID: b.SessionID,
				CancelledOn: b.Cancelation.CancelledOn, Reason: b.Cancelation.Reason, Deadline: deadline,
				DaysLeft: rtt.DaysBetween(on, deadline), Status: "at_risk"}
			if r := rebooking(s, b.Cancelation.CancelledOn, deadline); r != nil {
				g.RebookedOn, g.Status = r, "rebooked"
			}
			if on.After(deadline) {
				g.Status = "breached"
			}
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b Guarantee) int {
		return cmp.Or(a.Deadline.Compare(b.Deadline), strings.Compare(a.PathwayID, b.PathwayID), strings.Compare(a.BookingID, b.BookingID))
	})
	return out, nil
}

// hasUntreatedGuarantee: a cancellation started a 28-day guarantee that no
// treatment has met yet, so the pathway belongs on the guarantee report.
func hasUntreatedGuarantee(s *pathway.State) bool {
	for i := range s.Bookings {
		b := &s.Bookings[i]
		if _, ok := b.Guarantee(); ok && !treatedOnOrAfter(s, b.Cancelation.CancelledOn) {
			return true
		}
	}
	return false
}

func treatedOnOrAfter(s *pathway.State, from rtt.Date) bool {
	for i := range s.Periods {
		p := &s.Periods[i]
		if p.Stopped && p.StopStatus == "30" && !p.StoppedOn.Before(from) {
			return true
		}
	}
	return false
}

// rebooking is the earliest live booking admitted after the cancellation and by
// the deadline.
func rebooking(s *pathway.State, cancelledOn, deadline rtt.Date) *rtt.Date {
	var best *rtt.Date
	for i := range s.Bookings {
		b := &s.Bookings[i]
		if b.Cancelled || b.AdmissionOn.Before(cancelledOn) || b.AdmissionOn.After(deadline) {
			continue
		}
		if best == nil || b.AdmissionOn.Before(*best) {
			d := b.AdmissionOn
			best = &d
		}
	}
	return best
}

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
	minutes  int
	priority rtt.Priority
	due      rtt.Date
	hasDue   bool
	start    rtt.Date
	preOp    *session.PreOp
}

// recandidate moves p in or out of its specialty's candidate set.
func (m *ReadModel) recandidate(p *rec) {
	var c *candidate
	spec := ""
	if s := &p.state; s.Exists {
		if en, run := s.OpenEntry(), s.Running(); en != nil && run != nil {
			c = &candidate{minutes: en.ExpectedMinutes, priority: en.Priority, start: run.StartedOn, preOp: preOpOf(s)}
			c.due, c.hasDue = en.Priority.DueDate(en.PriorityFrom)
			spec = s.SpecialtyCode
		}
	}
	// Each specialty's set is a slice with O(1) removal (the last member takes the
	// leaver's place); its order follows the log, and ranking breaks ties by id.
	if p.candSpec != "" && p.candSpec != spec {
		set := m.bySpecialty[p.candSpec]
		last := set[len(set)-1]
		set[p.candIdx], last.candIdx = last, p.candIdx
		set[len(set)-1] = nil
		if set = set[:len(set)-1]; len(set) == 0 {
			delete(m.bySpecialty, p.candSpec)
		} else {
			m.bySpecialty[p.candSpec] = set
		}
	}
	if c != nil && p.candSpec != spec {
		p.candIdx = len(m.bySpecialty[spec])
		m.bySpecialty[spec] = append(m.bySpecialty[spec], p)
	}
	p.cand, p.candSpec = c, spec
}

// Candidates are the patients a session of a specialty may take: running RTT periods
// with an open waiting-list entry in that specialty, with what the session needs to
// judge them (pre-op, bookings on the session date). Entries recorded without
// expected minutes cannot be fitted to a list; they are counted, not returned.
func (m *ReadModel) Candidates(specialty string, sessionDate rtt.Date) (cs []session.Candidate, withoutMinutes int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	set := m.bySpecialty[specialty]
	cs = make([]session.Candidate, 0, len(set))
	for _, p := range set {
		c := p.cand
		if c.minutes <= 0 {
			withoutMinutes++
			continue
		}
		k := session.Candidate{ExpectedMinutes: c.minutes, Priority: c.priority, ClockStart: c.start,
			PatientFacts: session.PatientFacts{PathwayID: p.id, SpecialtyCode: specialty, PreOp: c.preOp,
				OtherBookingsOnDate: bookingsOn(&p.state, sessionDate)}}
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
	return &session.PreOp{Outcome: p.Outcome, AssessedOn: p.AssessedOn, ValidUntil: p.ValidUntil,
		Requirements: session.Requirements{HDUBed: p.Requirements.HDUBed, Kit: p.Requirements.Kit,
			Radiology: p.Requirements.Radiology, AnaesthetistGrade: p.Requirements.AnaesthetistGrade}}
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
func (m *ReadModel) Guarantees(on rtt.Date, specialty string) []Guarantee {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []Guarantee{}
	for _, p := range m.all {
		s := &p.state
		if len(s.Bookings) == 0 || (specialty != "" && s.SpecialtyCode != specialty) {
			continue
		}
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
		return cmp.Or(a.Deadline.Compare(b.Deadline), strings.Compare(a.PathwayID, b.PathwayID))
	})
	return out
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

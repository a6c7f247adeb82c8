package pathways

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/rtt"
)

// Candidates are the patients a session of a specialty may take: running RTT periods
// with an open waiting-list entry in that specialty, with what the session needs to
// judge them (pre-op, bookings on the session date). Entries recorded without
// expected minutes cannot be fitted to a list; they are counted, not returned.
func (m *ReadModel) Candidates(specialty string, sessionDate rtt.Date) (cs []session.Candidate, withoutMinutes int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.ptl.ascend(rtt.Date{}, false, "", false, func(p *rec) bool {
		s := &p.state
		if s.SpecialtyCode != specialty {
			return true
		}
		en, run := s.OpenEntry(), s.Running()
		if en == nil || run == nil {
			return true
		}
		if en.ExpectedMinutes <= 0 {
			withoutMinutes++
			return true
		}
		c := session.Candidate{PatientFacts: Facts(s, sessionDate), ExpectedMinutes: en.ExpectedMinutes,
			Priority: en.Priority, ClockStart: run.StartedOn}
		if due, ok := en.Priority.DueDate(en.PriorityFrom); ok {
			c.PriorityDueOn = &due
		}
		cs = append(cs, c)
		return true
	})
	return cs, withoutMinutes
}

// Facts is what a session needs to know about a pathway to schedule it on a date.
func Facts(s *pathway.State, sessionDate rtt.Date) session.PatientFacts {
	f := session.PatientFacts{PathwayID: s.PathwayID, SpecialtyCode: s.SpecialtyCode,
		Closed: s.Closed || (s.Running() == nil && s.OpenEntry() == nil)}
	if p := s.PreOp; p != nil {
		f.PreOp = &session.PreOp{Outcome: p.Outcome, AssessedOn: p.AssessedOn, ValidUntil: p.ValidUntil,
			Requirements: session.Requirements{HDUBed: p.Requirements.HDUBed, Kit: p.Requirements.Kit,
				Radiology: p.Requirements.Radiology, AnaesthetistGrade: p.Requirements.AnaesthetistGrade}}
	}
	for i := range s.Bookings {
		b := &s.Bookings[i]
		if !b.Cancelled && b.AdmissionOn.Equal(sessionDate) {
			f.OtherBookingsOnDate = append(f.OtherBookingsOnDate, session.SessionRef{SessionID: b.SessionID, BookingID: b.BookingID})
		}
	}
	return f
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

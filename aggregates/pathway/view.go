package pathway

import (
	"github.com/pathway-ledger/ledger/rtt"
)

// PeriodView is one RTT period evaluated on a date (API.md Period).
type PeriodView struct {
	StartedOn                 rtt.Date  `json:"started_on"`
	StartStatus               string    `json:"start_status"`
	Clock                     string    `json:"clock"` // running, stopped, nullified
	StoppedOn                 *rtt.Date `json:"stopped_on"`
	StopStatus                *string   `json:"stop_status"`
	WaitDays                  int       `json:"wait_days"`
	WeekBand                  string    `json:"week_band"`
	Within18Weeks             bool      `json:"within_18_weeks"`
	BreachOn                  rtt.Date  `json:"breach_on"`
	PatientInitiatedDelayDays int       `json:"patient_initiated_delay_days"`
	Admitted                  bool      `json:"-"`
	TransferredOut            bool      `json:"-"`
	// OriginalStartedOn is the start before a ClockStartCorrected, nil if none.
	OriginalStartedOn *rtt.Date `json:"-"`
	Evidence          []string  `json:"-"`
}

// EntryView is the open waiting-list entry.
type EntryView struct {
	ListType        string       `json:"list_type"`
	Priority        rtt.Priority `json:"priority"`
	DecidedOn       rtt.Date     `json:"decided_on"`
	PriorityDueOn   *rtt.Date    `json:"priority_due_on"`
	ProcedureCode   string       `json:"-"`
	ExpectedMinutes int          `json:"-"`
	Evidence        []string     `json:"-"`
}

// OfferView is an offer and its answer.
type OfferView struct {
	OfferID       string   `json:"offer_id"`
	OfferedOn     rtt.Date `json:"offered_on"`
	AppointmentOn rtt.Date `json:"appointment_on"`
	Kind          string   `json:"kind"`
	Reasonable    bool     `json:"reasonable"`
	Status        string   `json:"status"`
	Evidence      []string `json:"-"`
}

// BookingView is a TCI with its 28-day guarantee.
type BookingView struct {
	BookingID              string    `json:"booking_id"`
	AdmissionOn            rtt.Date  `json:"admission_on"`
	SessionID              string    `json:"-"`
	Status                 string    `json:"status"`
	CancelledBy            *string   `json:"cancelled_by"`
	CancelledOn            *rtt.Date `json:"-"`
	TwentyEightDayDeadline *rtt.Date `json:"twenty_eight_day_deadline"`
	TwentyEightDayBreached bool      `json:"twenty_eight_day_breached"`
	Evidence               []string  `json:"-"`
}

// View is a pathway evaluated on a date: what API.md's Pathway shows.
type View struct {
	PathwayID        string                    `json:"pathway_id"`
	SpecialtyCode    string                    `json:"specialty_code"`
	ReportingLine    string                    `json:"-"`
	ReferralPriority string                    `json:"referral_priority"`
	Source           string                    `json:"-"`
	Patient          Patient                   `json:"patient"`
	Closed           bool                      `json:"-"`
	Periods          []PeriodView              `json:"periods"`
	CurrentPeriod    *PeriodView               `json:"current_period"`
	WaitingList      *EntryView                `json:"waiting_list"`
	Offers           []OfferView               `json:"offers"`
	Bookings         []BookingView             `json:"bookings"`
	PreOp            *PreOpAssessmentCompleted `json:"-"`
	Validations      []Validation              `json:"-"`
	Findings         []Finding                 `json:"findings"`
	StreamVersion    int64                     `json:"-"`
}

// DeriveOptions are facts from outside this stream.
type DeriveOptions struct {
	// DuplicateCandidates are other open pathways of the same patient and specialty
	// (from the pathways read model); each raises duplicate_pathway.
	DuplicateCandidates []string
}

// Derive folds the history and evaluates it on a date.
func Derive(history []Recorded, on rtt.Date, opts DeriveOptions) View {
	s := Fold(history)
	return DeriveState(s, on, opts)
}

// DeriveState evaluates a folded state on a date.
func DeriveState(s State, on rtt.Date, opts DeriveOptions) View {
	v := View{PathwayID: s.PathwayID, SpecialtyCode: s.SpecialtyCode, ReportingLine: rtt.ReportingLine(s.SpecialtyCode),
		ReferralPriority: s.ReferralPriority, Source: s.Source, Patient: s.Patient, Closed: s.Closed,
		StreamVersion: s.Version, PreOp: s.PreOp, Validations: s.Validations,
		Periods: []PeriodView{}, Offers: []OfferView{}, Bookings: []BookingView{}}
	for i := range s.Periods {
		v.Periods = append(v.Periods, periodView(&s, i, on))
	}
	if n := len(v.Periods); n > 0 {
		cur := v.Periods[n-1]
		v.CurrentPeriod = &cur
	}
	if en := s.OpenEntry(); en != nil {
		ev := EntryView{ListType: en.ListType, Priority: en.Priority, DecidedOn: en.DecidedOn,
			ProcedureCode: en.ProcedureCode, ExpectedMinutes: en.ExpectedMinutes, Evidence: en.EventIDs}
		if due, ok := en.Priority.DueDate(en.PriorityFrom); ok {
			ev.PriorityDueOn = &due
		}
		v.WaitingList = &ev
	}
	for _, o := range s.Offers {
		v.Offers = append(v.Offers, OfferView{OfferID: o.OfferID, OfferedOn: o.OfferedOn, AppointmentOn: o.AppointmentOn,
			Kind: o.Kind, Reasonable: o.Reasonable, Status: o.Status, Evidence: o.EventIDs})
	}
	for i := range s.Bookings {
		v.Bookings = append(v.Bookings, bookingView(&s, &s.Bookings[i], on))
	}
	v.Findings = findings(&s, &v, on, opts)
	return v
}

func periodView(s *State, i int, on rtt.Date) PeriodView {
	p := &s.Periods[i]
	pv := PeriodView{StartedOn: p.StartedOn, StartStatus: p.StartStatus, Clock: "running",
		BreachOn: rtt.BreachDate(p.StartedOn), Admitted: p.Admitted, TransferredOut: p.TransferredOut,
		Evidence: append([]string{p.StartEventID}, p.CorrectionIDs...)}
	if !p.OriginalStartOn.Equal(p.StartedOn) {
		orig := p.OriginalStartOn
		pv.OriginalStartedOn = &orig
	}
	end := on
	switch {
	case p.Nullified:
		pv.Clock = "nullified"
	case p.Stopped || p.TransferredOut:
		pv.Clock = "stopped"
	}
	if !p.Running() {
		stopped, status := p.StoppedOn, p.StopStatus
		pv.StoppedOn, pv.StopStatus = &stopped, &status
		pv.Evidence = append(pv.Evidence, p.StopEventID)
		if stopped.Before(on) {
			end = stopped
		}
	}
	pv.WaitDays = rtt.WaitDays(p.StartedOn, end)
	pv.WeekBand = rtt.WeekBandLabel(rtt.WeekBand(pv.WaitDays))
	pv.Within18Weeks = rtt.WithinStandard(pv.WaitDays)
	pv.PatientInitiatedDelayDays = delayDays(s, i, p.StartedOn, end)
	return pv
}

func bookingView(s *State, b *Booking, on rtt.Date) BookingView {
	bv := BookingView{BookingID: b.BookingID, AdmissionOn: b.AdmissionOn, SessionID: b.SessionID,
		Status: "booked", Evidence: b.EventIDs}
	if b.Cancelled {
		by, at := b.Cancelation.CancelledBy, b.Cancelation.CancelledOn
		bv.Status, bv.CancelledBy, bv.CancelledOn = "cancelled", &by, &at
	}
	if deadline, ok := b.Guarantee(); ok {
		bv.TwentyEightDayDeadline = &deadline
		treated, treatedOn := treatedAfter(s, b.Cancelation.CancelledOn)
		bv.TwentyEightDayBreached = (treated && treatedOn.After(deadline)) || (!treated && on.After(deadline))
	}
	return bv
}

// treatedAfter finds the first treatment stop (30) on or after a date.
func treatedAfter(s *State, from rtt.Date) (bool, rtt.Date) {
	for _, p := range s.Periods {
		if p.Stopped && p.StopStatus == "30" && !p.StoppedOn.Before(from) {
			return true, p.StoppedOn
		}
	}
	return false, rtt.Date{}
}

// delayDays counts the days of patient-initiated delay inside a period, for display
// only: declared unavailability, and from each declined reasonable date to the next
// date offered (or the period's end). Overlaps count once. Never subtracted.
func delayDays(s *State, period int, start, end rtt.Date) int {
	type span struct{ from, to rtt.Date } // inclusive from, exclusive to
	var spans []span
	for _, u := range s.Unavailable {
		spans = append(spans, span{u.From, u.To.AddDays(1)})
	}
	for i, o := range s.Offers {
		if o.Period != period || !o.Reasonable || o.Status != "declined" {
			continue
		}
		to := end
		for _, next := range s.Offers[i+1:] {
			if next.Period == period {
				to = next.AppointmentOn
				break
			}
		}
		spans = append(spans, span{o.AppointmentOn, to})
	}
	days := 0
	for d := start; d.Before(end); d = d.AddDays(1) {
		for _, sp := range spans {
			if !d.Before(sp.from) && d.Before(sp.to) {
				days++
				break
			}
		}
	}
	return days
}

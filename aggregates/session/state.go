package session

import "github.com/pathway-ledger/ledger/rtt"

// Status is where a session is in its life.
type Status string

const (
	// StatusNone: no SessionPlanned yet (the zero State).
	StatusNone      Status = ""
	StatusPlanned   Status = "planned"
	StatusFinalised Status = "finalised"
	StatusCancelled Status = "cancelled"
	StatusReleased  Status = "released"
)

// Booking is one patient on the list.
type Booking struct {
	PathwayID       string   `json:"pathway_id"`
	BookingID       string   `json:"booking_id"`
	ExpectedMinutes int      `json:"expected_minutes"`
	ScheduledOn     rtt.Date `json:"scheduled_on"`
}

// State is a session folded from its events. Evolve never mutates the slices of the
// State it is given, so earlier States stay valid.
type State struct {
	SessionID         string
	Status            Status
	PlannedOn         rtt.Date
	Date              rtt.Date
	StartTime         Clock
	EndTime           Clock
	TurnaroundMinutes int
	SpecialtyCode     string
	ListType          string
	Site              string
	Room              string
	LeadClinician     string
	Anaesthetist      string
	Capabilities      Capabilities
	// Bookings are the patients on the list in the order they were scheduled.
	Bookings []Booking
	// CancelledBookings are the bookings the session's cancellation took off the list.
	CancelledBookings []Booking

	ConfirmedOn       *rtt.Date
	FilledOn          *rtt.Date
	FinalisedOn       *rtt.Date
	CancelledOn       *rtt.Date
	CancelReason      string
	CancelledClinical bool
	ReleasedOn        *rtt.Date
	ReleaseReason     string
}

// Exists reports whether the session has been planned.
func (s State) Exists() bool { return s.Status != StatusNone }

// CapacityMinutes is end − start.
func (s State) CapacityMinutes() int { return s.StartTime.MinutesUntil(s.EndTime) }

// BookedMinutes is the expected minutes of every case plus one turnaround between
// consecutive cases.
func (s State) BookedMinutes() int { return bookedMinutes(s.Bookings, s.TurnaroundMinutes) }

func bookedMinutes(bs []Booking, turnaround int) int {
	if len(bs) == 0 {
		return 0
	}
	total := turnaround * (len(bs) - 1)
	for _, b := range bs {
		total += b.ExpectedMinutes
	}
	return total
}

// RemainingMinutes is the longest case that still fits: the free minutes less the
// turnaround the next case would need after the last one (never negative).
func (s State) RemainingMinutes() int {
	return remainingMinutes(s.CapacityMinutes(), s.BookedMinutes(), len(s.Bookings), s.TurnaroundMinutes)
}

func remainingMinutes(capacity, booked, cases, turnaround int) int {
	r := capacity - booked
	if cases > 0 {
		r -= turnaround
	}
	return max(r, 0)
}

// FillLevel is booked / capacity (0 when the session has no capacity yet).
func (s State) FillLevel() float64 {
	c := s.CapacityMinutes()
	if c <= 0 {
		return 0
	}
	return float64(s.BookedMinutes()) / float64(c)
}

// Booking returns the booking of a pathway on the list.
func (s State) Booking(pathwayID string) (Booking, bool) {
	for _, b := range s.Bookings {
		if b.PathwayID == pathwayID {
			return b, true
		}
	}
	return Booking{}, false
}

// Evolve applies one event. Events are facts: Evolve does not re-check rules.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case SessionPlanned:
		s = State{
			SessionID: e.SessionID, Status: StatusPlanned, PlannedOn: e.PlannedOn, Date: e.Date,
			StartTime: e.StartTime, EndTime: e.EndTime, TurnaroundMinutes: e.TurnaroundMinutes,
			SpecialtyCode: e.SpecialtyCode, ListType: e.ListType, Site: e.Site, Room: e.Room,
			LeadClinician: e.LeadClinician, Anaesthetist: e.Anaesthetist, Capabilities: e.Capabilities,
		}
	case PatientScheduled:
		bs := make([]Booking, len(s.Bookings), len(s.Bookings)+1)
		copy(bs, s.Bookings)
		s.Bookings = append(bs, Booking{PathwayID: e.PathwayID, BookingID: e.BookingID,
			ExpectedMinutes: e.ExpectedMinutes, ScheduledOn: e.ScheduledOn})
	case PatientUnscheduled:
		bs := make([]Booking, 0, len(s.Bookings))
		for _, b := range s.Bookings {
			if b.PathwayID != e.PathwayID {
				bs = append(bs, b)
			}
		}
		s.Bookings = bs
	case SessionMilestoneReached:
		on := e.ReachedOn
		switch e.Milestone {
		case MilestoneConfirm:
			s.ConfirmedOn = &on
		case MilestoneFill:
			s.FilledOn = &on
		}
	case SessionFinalised:
		on := e.FinalisedOn
		s.FinalisedOn = &on
		s.Status = StatusFinalised
	case SessionCancelled:
		on := e.CancelledOn
		s.Status, s.CancelledOn, s.CancelReason, s.CancelledClinical = StatusCancelled, &on, e.Reason, e.Clinical
		s.CancelledBookings, s.Bookings = s.Bookings, nil
	case SessionReleased:
		on := e.ReleasedOn
		s.Status, s.ReleasedOn, s.ReleaseReason = StatusReleased, &on, e.Reason
	}
	return s
}

// Fold replays a stream.
func Fold(events []Event) State {
	var s State
	for _, e := range events {
		s = Evolve(s, e)
	}
	return s
}

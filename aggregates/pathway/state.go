package pathway

import (
	"time"

	"github.com/pathway-ledger/ledger/rtt"
)

// Actor is who recorded an event (from the authenticated caller).
type Actor struct {
	User string `json:"user"`
	Role string `json:"role"`
}

// Recorded is an event as the stream holds it: what the view needs to name the
// evidence behind every figure and the validator behind every decision.
type Recorded struct {
	Event         Event
	EventID       string
	StreamVersion uint64
	RecordedAt    time.Time
	Actor         Actor
}

// Period is one RTT period as folded from the events.
type Period struct {
	StartedOn       rtt.Date
	OriginalStartOn rtt.Date // before any ClockStartCorrected
	StartStatus     string
	StartEventID    string
	CorrectionIDs   []string
	Stopped         bool
	StoppedOn       rtt.Date
	StopStatus      string
	StopEventID     string
	Admitted        bool
	Nullified       bool
	TransferredOut  bool
	// HasActivity: an activity has been recorded in the period. Only the first
	// matters (it is the one that can nullify the period, and a 10 as the
	// referral period's first continues it), so later activities change nothing
	// and cost no copy of the periods.
	HasActivity bool
}

// Running reports whether the clock still runs.
func (p *Period) Running() bool { return !p.Stopped && !p.Nullified && !p.TransferredOut }

// Entry is a waiting-list entry (decision to admit).
type Entry struct {
	DecidedOn       rtt.Date
	ListType        string
	Priority        rtt.Priority
	PriorityFrom    rtt.Date
	ProcedureCode   string
	ExpectedMinutes int
	Open            bool
	ClosedOn        rtt.Date
	EventIDs        []string
}

// Offer is a date offered, with its answer.
type Offer struct {
	OfferMade
	Period     int // index of the period it was made in
	Status     string
	AnsweredOn rtt.Date
	EventIDs   []string
}

// Booking is a TCI and what became of it.
type Booking struct {
	AdmissionBooked
	Cancelled   bool
	Cancelation BookingCancelled
	EventIDs    []string
}

// Guarantee reports the 28-day deadline a cancellation started, if any: a hospital,
// non-clinical cancellation on the day of admission or after arrival (RTT.md §6).
func (b *Booking) Guarantee() (rtt.Date, bool) {
	c := b.Cancelation
	if !b.Cancelled || c.CancelledBy != "hospital" || c.Clinical || !c.OnTheDay {
		return rtt.Date{}, false
	}
	return rtt.TwentyEightDayDeadline(c.CancelledOn), true
}

// DNA is a missed appointment.
type DNA struct {
	PatientDidNotAttend
	StopStatus string // a stop code recorded with it, "" if none
	EventID    string
}

// Validation is a validator's decision with who made it and when.
type Validation struct {
	ValidationRecorded
	EventID    string
	Validator  Actor
	RecordedAt time.Time
}

// Alert is an active alert.
type Alert struct {
	AlertFlagged
	EventID string
}

// State is the folded pathway. The zero State (Version -1 via New) is "no pathway".
type State struct {
	Exists           bool
	PathwayID        string
	Patient          Patient
	SpecialtyCode    string
	ReferralPriority string
	Source           string
	ReceivedOn       rtt.Date
	ReferralEventID  string
	Closed           bool
	ClosedReason     string
	Periods          []Period
	Entries          []Entry
	Offers           []Offer
	Unavailable      []PatientUnavailable
	Bookings         []Booking
	PreOp            *PreOpAssessmentCompleted
	PreOpEventID     string
	Alerts           []Alert
	DNAs             []DNA
	Validations      []Validation
	LastActivityOn   rtt.Date
	// Version is the stream version of the last event folded (-1: none).
	Version   int64
	history   []Recorded
	retracted map[string]bool
}

// New is the state before the first event.
func New() State { return State{Version: -1} }

// Current returns the last period, or nil.
func (s *State) Current() *Period {
	if len(s.Periods) == 0 {
		return nil
	}
	return &s.Periods[len(s.Periods)-1]
}

// Running returns the running period, or nil.
func (s *State) Running() *Period {
	if p := s.Current(); p != nil && p.Running() {
		return p
	}
	return nil
}

// OpenEntry returns the open waiting-list entry, or nil.
func (s *State) OpenEntry() *Entry {
	for i := len(s.Entries) - 1; i >= 0; i-- {
		if s.Entries[i].Open {
			return &s.Entries[i]
		}
	}
	return nil
}

// ActiveBookings returns the bookings not cancelled, in booking order.
func (s *State) ActiveBookings() []Booking {
	var out []Booking
	for _, b := range s.Bookings {
		if !b.Cancelled {
			out = append(out, b)
		}
	}
	return out
}

// History returns the recorded events folded so far, retracted ones included.
func (s *State) History() []Recorded { return append([]Recorded(nil), s.history...) }

// Retracted reports whether an event was withdrawn by an EventRetracted.
func (s *State) Retracted(eventID string) bool { return s.retracted[eventID] }

func (s *State) offer(id string) int {
	for i := range s.Offers {
		if s.Offers[i].OfferID == id {
			return i
		}
	}
	return -1
}

func (s *State) booking(id string) int {
	for i := range s.Bookings {
		if s.Bookings[i].BookingID == id {
			return i
		}
	}
	return -1
}

package session

import "github.com/pathway-ledger/ledger/rtt"

// View is the API's Session resource (API.md), with a few additions: remaining
// minutes, turnaround, the session's people and place, per-checkpoint detail and the
// dates of each step.
type View struct {
	SessionID         string        `json:"session_id"`
	Date              rtt.Date      `json:"date"`
	StartTime         Clock         `json:"start_time"`
	EndTime           Clock         `json:"end_time"`
	CapacityMinutes   int           `json:"capacity_minutes"`
	BookedMinutes     int           `json:"booked_minutes"`
	RemainingMinutes  int           `json:"remaining_minutes"`
	TurnaroundMinutes int           `json:"turnaround_minutes"`
	Utilisation       float64       `json:"utilisation"`
	Status            Status        `json:"status"`
	SpecialtyCode     string        `json:"specialty_code"`
	ListType          string        `json:"list_type"`
	Site              string        `json:"site"`
	Room              string        `json:"room"`
	LeadClinician     string        `json:"lead_clinician"`
	Anaesthetist      string        `json:"anaesthetist"`
	Capabilities      Capabilities  `json:"capabilities"`
	Bookings          []Booking     `json:"bookings"`
	CancelledBookings []Booking     `json:"cancelled_bookings"`
	Milestones        MilestoneView `json:"milestones"`
	PlannedOn         rtt.Date      `json:"planned_on"`
	ConfirmedOn       *rtt.Date     `json:"confirmed_on"`
	FilledOn          *rtt.Date     `json:"filled_on"`
	FinalisedOn       *rtt.Date     `json:"finalised_on"`
	CancelledOn       *rtt.Date     `json:"cancelled_on"`
	CancelReason      string        `json:"cancellation_reason,omitempty"`
	CancelledClinical bool          `json:"cancelled_for_clinical_reasons"`
	ReleasedOn        *rtt.Date     `json:"released_on"`
	ReleaseReason     string        `json:"release_reason,omitempty"`
}

// View renders the session on today under the milestone policy (zero: the default).
// Utilisation is rounded to four decimals; slices are never nil so JSON shows [].
func (s State) View(p MilestonePolicy, today rtt.Date) View {
	capacity, booked := s.CapacityMinutes(), s.BookedMinutes()
	v := View{
		SessionID: s.SessionID, Date: s.Date, StartTime: s.StartTime, EndTime: s.EndTime,
		CapacityMinutes: capacity, BookedMinutes: booked, RemainingMinutes: s.RemainingMinutes(),
		TurnaroundMinutes: s.TurnaroundMinutes, Status: s.Status, SpecialtyCode: s.SpecialtyCode,
		ListType: s.ListType, Site: s.Site, Room: s.Room, LeadClinician: s.LeadClinician,
		Anaesthetist: s.Anaesthetist, Capabilities: s.Capabilities,
		Bookings:          append([]Booking{}, s.Bookings...),
		CancelledBookings: append([]Booking{}, s.CancelledBookings...),
		PlannedOn:         s.PlannedOn, ConfirmedOn: s.ConfirmedOn, FilledOn: s.FilledOn,
		FinalisedOn: s.FinalisedOn, CancelledOn: s.CancelledOn, CancelReason: s.CancelReason,
		CancelledClinical: s.CancelledClinical, ReleasedOn: s.ReleasedOn, ReleaseReason: s.ReleaseReason,
	}
	v.Capabilities.Kit = append([]string{}, s.Capabilities.Kit...)
	v.Utilisation = utilisation(booked, capacity)
	v.Milestones = Milestones(p, s.Date, today, MilestoneFacts{
		Confirmed: s.ConfirmedOn != nil,
		FillLevel: s.FillLevel(),
		Finalised: s.Status == StatusFinalised,
		Closed:    s.Status == StatusCancelled || s.Status == StatusReleased,
	})
	return v
}

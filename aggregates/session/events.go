package session

import "github.com/pathway-ledger/ledger/rtt"

// Event is a fact in a session stream. On is the business date for the envelope's
// occurred_on (the same method set as the pathway aggregate's events).
type Event interface {
	Type() string
	On() rtt.Date
	validate() error
}

// Event type names as stored.
const (
	TypeSessionPlanned          = "SessionPlanned"
	TypePatientScheduled        = "PatientScheduled"
	TypePatientUnscheduled      = "PatientUnscheduled"
	TypeSessionMilestoneReached = "SessionMilestoneReached"
	TypeSessionFinalised        = "SessionFinalised"
	TypeSessionCancelled        = "SessionCancelled"
	TypeSessionReleased         = "SessionReleased"
)

// Milestone names in SessionMilestoneReached.
const (
	MilestoneConfirm = "confirm"
	MilestoneFill    = "fill"
	MilestoneLock    = "lock"
)

// SessionPlanned: a session was put in the plan.
type SessionPlanned struct {
	SessionID         string       `json:"session_id"`
	PlannedOn         rtt.Date     `json:"planned_on"`
	Date              rtt.Date     `json:"date"`
	StartTime         Clock        `json:"start_time"`
	EndTime           Clock        `json:"end_time"`
	CapacityMinutes   int          `json:"capacity_minutes"`
	TurnaroundMinutes int          `json:"turnaround_minutes"`
	SpecialtyCode     string       `json:"specialty_code"`
	ListType          string       `json:"list_type"`
	Site              string       `json:"site,omitempty"`
	Room              string       `json:"room,omitempty"`
	LeadClinician     string       `json:"lead_clinician,omitempty"`
	Anaesthetist      string       `json:"anaesthetist,omitempty"`
	Capabilities      Capabilities `json:"capabilities"`
}

// PatientScheduled: a patient was put on the list. AdmissionOn is the session date
// (the pathway's booking); PreOpAssessedOn records the assessment the booking relied on
// (absent on clinic lists, which need none).
type PatientScheduled struct {
	SessionID       string    `json:"session_id"`
	PathwayID       string    `json:"pathway_id"`
	BookingID       string    `json:"booking_id"`
	ExpectedMinutes int       `json:"expected_minutes"`
	ScheduledOn     rtt.Date  `json:"scheduled_on"`
	AdmissionOn     rtt.Date  `json:"admission_on"`
	PreOpAssessedOn *rtt.Date `json:"pre_op_assessed_on,omitempty"`
}

// PatientUnscheduled: a patient was taken off the list.
type PatientUnscheduled struct {
	SessionID       string   `json:"session_id"`
	PathwayID       string   `json:"pathway_id"`
	BookingID       string   `json:"booking_id"`
	ExpectedMinutes int      `json:"expected_minutes"`
	UnscheduledOn   rtt.Date `json:"unscheduled_on"`
	Reason          string   `json:"reason,omitempty"`
}

// SessionMilestoneReached: a scheduling checkpoint was reached for the first time:
// confirm (the session was confirmed), fill (utilisation reached FillThreshold; the
// level and threshold are recorded because the threshold is configuration) or lock
// (the list was finalised).
type SessionMilestoneReached struct {
	SessionID     string   `json:"session_id"`
	Milestone     string   `json:"milestone"`
	ReachedOn     rtt.Date `json:"reached_on"`
	FillLevel     float64  `json:"fill_level"`
	FillThreshold float64  `json:"fill_threshold,omitempty"`
}

// SessionFinalised: the list was locked.
type SessionFinalised struct {
	SessionID     string   `json:"session_id"`
	FinalisedOn   rtt.Date `json:"finalised_on"`
	Cases         int      `json:"cases"`
	BookedMinutes int      `json:"booked_minutes"`
}

// BookingRef names one booking on a list.
type BookingRef struct {
	PathwayID string `json:"pathway_id"`
	BookingID string `json:"booking_id"`
}

// SessionCancelled: the hospital cancelled the session and every booking on it.
// OnTheDay is true when cancelled on the session date; with Clinical false that is the
// case in which the 28-day guarantee applies to each cancelled booking (RTT.md §6).
type SessionCancelled struct {
	SessionID         string       `json:"session_id"`
	CancelledOn       rtt.Date     `json:"cancelled_on"`
	Reason            string       `json:"reason"`
	Clinical          bool         `json:"clinical"`
	OnTheDay          bool         `json:"on_the_day"`
	CancelledBookings []BookingRef `json:"cancelled_bookings"`
}

// SessionReleased: the session was given up before use (the 6-week "confirm or
// release" decision); its time goes back to the theatre plan.
type SessionReleased struct {
	SessionID  string   `json:"session_id"`
	ReleasedOn rtt.Date `json:"released_on"`
	Reason     string   `json:"reason,omitempty"`
}

func (SessionPlanned) Type() string          { return TypeSessionPlanned }
func (PatientScheduled) Type() string        { return TypePatientScheduled }
func (PatientUnscheduled) Type() string      { return TypePatientUnscheduled }
func (SessionMilestoneReached) Type() string { return TypeSessionMilestoneReached }
func (SessionFinalised) Type() string        { return TypeSessionFinalised }
func (SessionCancelled) Type() string        { return TypeSessionCancelled }
func (SessionReleased) Type() string         { return TypeSessionReleased }

func (e SessionPlanned) On() rtt.Date          { return e.PlannedOn }
func (e PatientScheduled) On() rtt.Date        { return e.ScheduledOn }
func (e PatientUnscheduled) On() rtt.Date      { return e.UnscheduledOn }
func (e SessionMilestoneReached) On() rtt.Date { return e.ReachedOn }
func (e SessionFinalised) On() rtt.Date        { return e.FinalisedOn }
func (e SessionCancelled) On() rtt.Date        { return e.CancelledOn }
func (e SessionReleased) On() rtt.Date         { return e.ReleasedOn }

// SessionOf is the session an event names (its session_id).
func SessionOf(e Event) string {
	switch e := e.(type) {
	case SessionPlanned:
		return e.SessionID
	case PatientScheduled:
		return e.SessionID
	case PatientUnscheduled:
		return e.SessionID
	case SessionMilestoneReached:
		return e.SessionID
	case SessionFinalised:
		return e.SessionID
	case SessionCancelled:
		return e.SessionID
	case SessionReleased:
		return e.SessionID
	}
	return ""
}

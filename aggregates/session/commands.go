package session

import "github.com/pathway-ledger/ledger/rtt"

// Command is a request to change a session. Commands are passed by value.
type Command interface{ commandName() string }

// PlanSession puts a session in the plan. SessionID is chosen by the caller.
type PlanSession struct {
	SessionID         string
	Date              rtt.Date
	StartTime         Clock
	EndTime           Clock
	SpecialtyCode     string
	ListType          string
	Site              string
	Room              string
	LeadClinician     string
	Anaesthetist      string
	Capabilities      Capabilities
	TurnaroundMinutes int
}

// SchedulePatient puts a patient on the list. BookingID is chosen by the caller; it
// becomes the pathway's booking id.
type SchedulePatient struct {
	BookingID       string
	ExpectedMinutes int
	Patient         PatientFacts
}

// UnschedulePatient takes a patient off the list.
type UnschedulePatient struct {
	PathwayID string
	Reason    string
}

// ConfirmSession records the confirm checkpoint: the session will run.
type ConfirmSession struct{}

// FinaliseSession locks the list.
type FinaliseSession struct{}

// CancelSession: the hospital cancels the session and every booking on it.
type CancelSession struct {
	CancelledOn rtt.Date
	Reason      string
	Clinical    bool
}

// ReleaseSession gives an empty session back to the theatre plan.
type ReleaseSession struct {
	Reason string
}

func (PlanSession) commandName() string       { return "plan session" }
func (SchedulePatient) commandName() string   { return "schedule patient" }
func (UnschedulePatient) commandName() string { return "unschedule patient" }
func (ConfirmSession) commandName() string    { return "confirm session" }
func (FinaliseSession) commandName() string   { return "finalise session" }
func (CancelSession) commandName() string     { return "cancel session" }
func (ReleaseSession) commandName() string    { return "release session" }

// DecideContext carries what a pure decision needs from outside: the business date
// (Europe/London) and the milestone policy (zero: the default), whose fill threshold
// decides when the fill checkpoint is reached.
type DecideContext struct {
	Today  rtt.Date
	Policy MilestonePolicy
}

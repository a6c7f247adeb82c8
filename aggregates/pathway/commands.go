package pathway

import "github.com/pathway-ledger/ledger/rtt"

// Command is anything Decide accepts.
type Command interface{ commandName() string }

// DecideContext carries what the domain cannot know itself: today's date in
// Europe/London (nothing may be recorded as having happened after it).
type DecideContext struct {
	Today rtt.Date
}

// Refer records a referral received (POST /v1/pathways).
type Refer struct {
	PathwayID            string
	Patient              Patient
	SpecialtyCode        string
	ReceivedOn           rtt.Date
	ReferralPriority     string // routine (default), urgent, two_week_wait
	Source               string // gp, consultant, self, transfer_in, other
	OriginalClockStartOn *rtt.Date
}

// RecordActivity records an activity and its RTT status outcome.
type RecordActivity struct {
	OccurredOn         rtt.Date
	Kind               string // outpatient_first, outpatient_follow_up, admission, day_case, diagnostic, administrative
	RTTStatus          string
	Attendance         string // attended (default), did_not_attend
	Discharged         bool
	ClinicalDecisionOn *rtt.Date
	// PatientAgreed records the patient's agreement to active monitoring (code 32)
	// after declining two reasonable offers (RTT.md §2).
	PatientAgreed bool
}

type AddToWaitingList struct {
	DecidedOn       rtt.Date
	ListType        string
	Priority        rtt.Priority
	ProcedureCode   string
	ExpectedMinutes int
}

type ChangePriority struct {
	ChangedOn rtt.Date
	Priority  rtt.Priority
}

type RemoveFromWaitingList struct {
	RemovedOn rtt.Date
	Reason    string
}

type RecordPreOp struct {
	AssessedOn   rtt.Date
	Outcome      string // fit, unfit, review
	ValidUntil   *rtt.Date
	Requirements Requirements
}

type FlagAlert struct {
	FlaggedOn rtt.Date
	Code      string
	Detail    string
}

type ClearAlert struct {
	ClearedOn rtt.Date
	Code      string
}

type MakeOffer struct {
	OfferID       string
	OfferedOn     rtt.Date
	AppointmentOn rtt.Date
	Kind          string // admission (default), outpatient, diagnostic
	ProviderCode  string
}

type DeclineOffer struct {
	OfferID    string
	DeclinedOn rtt.Date
	Reason     string
}

type AcceptOffer struct {
	OfferID    string
	AcceptedOn rtt.Date
}

type DeclareUnavailability struct {
	From, To rtt.Date
	Reason   string
}

type BookAdmission struct {
	BookingID   string
	AdmissionOn rtt.Date
	SessionID   string
	BookedOn    rtt.Date
}

type CancelBooking struct {
	BookingID   string
	CancelledOn rtt.Date
	CancelledBy string // hospital, patient
	Reason      string
	Clinical    bool
	// AfterArrival: cancelled after the patient arrived, even if on a later day.
	AfterArrival bool
}

type RecordValidation struct {
	ValidationID string
	ValidatedOn  rtt.Date
	Outcome      string // confirmed, corrected, escalated
	Checks       []string
	Notes        string
}

type CorrectClockStart struct {
	PeriodStartedOn rtt.Date
	CorrectedStart  rtt.Date
	CorrectedOn     rtt.Date
	Reason          string
}

type RetractEvent struct {
	EventID     string
	RetractedOn rtt.Date
	Reason      string
}

func (Refer) commandName() string                 { return "refer" }
func (RecordActivity) commandName() string        { return "record_activity" }
func (AddToWaitingList) commandName() string      { return "add_to_waiting_list" }
func (ChangePriority) commandName() string        { return "change_priority" }
func (RemoveFromWaitingList) commandName() string { return "remove_from_waiting_list" }
func (RecordPreOp) commandName() string           { return "record_pre_op" }
func (FlagAlert) commandName() string             { return "flag_alert" }
func (ClearAlert) commandName() string            { return "clear_alert" }
func (MakeOffer) commandName() string             { return "make_offer" }
func (DeclineOffer) commandName() string          { return "decline_offer" }
func (AcceptOffer) commandName() string           { return "accept_offer" }
func (DeclareUnavailability) commandName() string { return "declare_unavailability" }
func (BookAdmission) commandName() string         { return "book_admission" }
func (CancelBooking) commandName() string         { return "cancel_booking" }
func (RecordValidation) commandName() string      { return "record_validation" }
func (CorrectClockStart) commandName() string     { return "correct_clock_start" }
func (RetractEvent) commandName() string          { return "retract_event" }

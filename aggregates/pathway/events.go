package pathway

import "github.com/pathway-ledger/ledger/rtt"

// Event is a fact in a pathway stream. Type is the stored type name (past tense);
// On is the business date it is effective (the envelope's occurred_on).
type Event interface {
	Type() string
	On() rtt.Date
}

// Patient identifies the person; it is recorded once, on the referral.
type Patient struct {
	NHSNumber  string    `json:"nhs_number"`
	FamilyName string    `json:"family_name,omitempty"`
	GivenName  string    `json:"given_name,omitempty"`
	BirthDate  *rtt.Date `json:"birth_date,omitempty"`
}

// ReferralReceived opens the pathway and starts its first RTT period on ClockStartOn:
// the date the referral was received, or for a transfer in the original start at the
// first provider ([RR25 11.3]).
type ReferralReceived struct {
	PathwayID        string   `json:"pathway_id"`
	Patient          Patient  `json:"patient"`
	SpecialtyCode    string   `json:"specialty_code"`
	ReceivedOn       rtt.Date `json:"referral_received_on"`
	ClockStartOn     rtt.Date `json:"clock_start_on"`
	ReferralPriority string   `json:"referral_priority"`
	Source           string   `json:"source"`
}

// ActivityRecorded is an appointment, admission or administrative event and its RTT
// status outcome. Its consequences for the clock are separate events after it.
type ActivityRecorded struct {
	OccurredOn         rtt.Date  `json:"occurred_on"`
	Kind               string    `json:"kind"`
	RTTStatus          string    `json:"rtt_status"`
	Attendance         string    `json:"attendance"`
	Discharged         bool      `json:"discharged,omitempty"`
	ClinicalDecisionOn *rtt.Date `json:"clinical_decision_on,omitempty"`
	PatientAgreed      bool      `json:"patient_agreed,omitempty"`
}

// ClockStarted starts a new RTT period (10, 11, 12), never linked to an old start.
type ClockStarted struct {
	StartedOn rtt.Date `json:"started_on"`
	Status    string   `json:"status"`
}

// ClockStopped ends the running period (30–36). Admitted marks treatment by admission
// (Part 1A of the return); other stops are non-admitted (Part 1B).
type ClockStopped struct {
	StoppedOn rtt.Date `json:"stopped_on"`
	Status    string   `json:"status"`
	Admitted  bool     `json:"admitted"`
}

// ClockNullified: a clearly communicated first appointment was missed (code 33); the
// period counts in no statistic.
type ClockNullified struct {
	NullifiedOn rtt.Date `json:"nullified_on"`
}

// PatientDidNotAttend records a DNA; what it does to the clock follows as its own event.
type PatientDidNotAttend struct {
	MissedOn   rtt.Date `json:"missed_on"`
	Kind       string   `json:"kind"`
	First      bool     `json:"first_activity"`
	Discharged bool     `json:"discharged"`
}

// TransferredOut: code 21, the pathway continues at another provider and leaves our list.
type TransferredOut struct {
	TransferredOn rtt.Date `json:"transferred_on"`
}

// AddedToWaitingList is the decision to admit.
type AddedToWaitingList struct {
	DecidedOn       rtt.Date     `json:"decided_on"`
	ListType        string       `json:"list_type"`
	Priority        rtt.Priority `json:"priority"`
	ProcedureCode   string       `json:"procedure_code,omitempty"`
	ExpectedMinutes int          `json:"expected_minutes,omitempty"`
}

// PriorityChanged re-prioritises the open entry.
type PriorityChanged struct {
	ChangedOn rtt.Date     `json:"changed_on"`
	Priority  rtt.Priority `json:"priority"`
}

// RemovedFromWaitingList closes the open entry.
type RemovedFromWaitingList struct {
	RemovedOn rtt.Date `json:"removed_on"`
	Reason    string   `json:"reason"`
}

// Requirements a theatre session must satisfy for this patient.
type Requirements struct {
	HDUBed            bool     `json:"hdu_bed"`
	Kit               []string `json:"kit"`
	Radiology         bool     `json:"radiology"`
	AnaesthetistGrade string   `json:"anaesthetist_grade,omitempty"`
}

// PreOpAssessmentCompleted records the outcome of a pre-operative assessment.
type PreOpAssessmentCompleted struct {
	AssessedOn   rtt.Date     `json:"assessed_on"`
	Outcome      string       `json:"outcome"`
	ValidUntil   *rtt.Date    `json:"valid_until,omitempty"`
	Requirements Requirements `json:"requirements"`
}

// AlertFlagged and AlertCleared record alerts (e.g. interpreter, safeguarding).
type AlertFlagged struct {
	FlaggedOn rtt.Date `json:"flagged_on"`
	Code      string   `json:"code"`
	Detail    string   `json:"detail,omitempty"`
}

type AlertCleared struct {
	ClearedOn rtt.Date `json:"cleared_on"`
	Code      string   `json:"code"`
}

// OfferMade is a date offered to the patient; Reasonable is computed when it is made
// (≥ 21 days' notice, RTT.md §2).
type OfferMade struct {
	OfferID       string   `json:"offer_id"`
	OfferedOn     rtt.Date `json:"offered_on"`
	AppointmentOn rtt.Date `json:"appointment_on"`
	Kind          string   `json:"kind"`
	ProviderCode  string   `json:"provider_code,omitempty"`
	Reasonable    bool     `json:"reasonable"`
}

type OfferDeclined struct {
	OfferID    string   `json:"offer_id"`
	DeclinedOn rtt.Date `json:"declined_on"`
	Reason     string   `json:"reason,omitempty"`
}

type OfferAccepted struct {
	OfferID    string   `json:"offer_id"`
	AcceptedOn rtt.Date `json:"accepted_on"`
}

// PatientUnavailable is a declared period of unavailability (a patient-initiated
// delay: shown, never subtracted).
type PatientUnavailable struct {
	From   rtt.Date `json:"from"`
	To     rtt.Date `json:"to"`
	Reason string   `json:"reason,omitempty"`
}

// AdmissionBooked is a TCI date, optionally on a theatre session.
type AdmissionBooked struct {
	BookingID   string   `json:"booking_id"`
	AdmissionOn rtt.Date `json:"admission_on"`
	SessionID   string   `json:"session_id,omitempty"`
	BookedOn    rtt.Date `json:"booked_on"`
}

// BookingCancelled by the hospital or the patient. OnTheDay marks a cancellation on
// the admission day or after arrival; with a hospital, non-clinical reason it starts
// the 28-day guarantee (RTT.md §6).
type BookingCancelled struct {
	BookingID   string   `json:"booking_id"`
	CancelledOn rtt.Date `json:"cancelled_on"`
	CancelledBy string   `json:"cancelled_by"`
	Reason      string   `json:"reason"`
	Clinical    bool     `json:"clinical"`
	OnTheDay    bool     `json:"on_the_day"`
}

// ValidationRecorded is a validator's decision; the validator is the event's actor.
type ValidationRecorded struct {
	ValidationID string   `json:"validation_id"`
	ValidatedOn  rtt.Date `json:"validated_on"`
	Outcome      string   `json:"outcome"`
	Checks       []string `json:"checks"`
	Notes        string   `json:"notes"`
}

// ClockStartCorrected moves a period's start; the original stays in the history.
type ClockStartCorrected struct {
	PeriodStartedOn rtt.Date `json:"period_started_on"`
	CorrectedStart  rtt.Date `json:"corrected_start_on"`
	CorrectedOn     rtt.Date `json:"corrected_on"`
	Reason          string   `json:"reason"`
}

// EventRetracted withdraws an earlier event of this stream; projections and the view
// ignore it from then on, the history shows both.
type EventRetracted struct {
	EventID     string   `json:"event_id"`
	RetractedOn rtt.Date `json:"retracted_on"`
	Reason      string   `json:"reason"`
}

func (ReferralReceived) Type() string         { return "ReferralReceived" }
func (ActivityRecorded) Type() string         { return "ActivityRecorded" }
func (ClockStarted) Type() string             { return "ClockStarted" }
func (ClockStopped) Type() string             { return "ClockStopped" }
func (ClockNullified) Type() string           { return "ClockNullified" }
func (PatientDidNotAttend) Type() string      { return "PatientDidNotAttend" }
func (TransferredOut) Type() string           { return "TransferredOut" }
func (AddedToWaitingList) Type() string       { return "AddedToWaitingList" }
func (PriorityChanged) Type() string          { return "PriorityChanged" }
func (RemovedFromWaitingList) Type() string   { return "RemovedFromWaitingList" }
func (PreOpAssessmentCompleted) Type() string { return "PreOpAssessmentCompleted" }
func (AlertFlagged) Type() string             { return "AlertFlagged" }
func (AlertCleared) Type() string             { return "AlertCleared" }
func (OfferMade) Type() string                { return "OfferMade" }
func (OfferDeclined) Type() string            { return "OfferDeclined" }
func (OfferAccepted) Type() string            { return "OfferAccepted" }
func (PatientUnavailable) Type() string       { return "PatientUnavailable" }
func (AdmissionBooked) Type() string          { return "AdmissionBooked" }
func (BookingCancelled) Type() string         { return "BookingCancelled" }
func (ValidationRecorded) Type() string       { return "ValidationRecorded" }
func (ClockStartCorrected) Type() string      { return "ClockStartCorrected" }
func (EventRetracted) Type() string           { return "EventRetracted" }

func (e ReferralReceived) On() rtt.Date         { return e.ReceivedOn }
func (e ActivityRecorded) On() rtt.Date         { return e.OccurredOn }
func (e ClockStarted) On() rtt.Date             { return e.StartedOn }
func (e ClockStopped) On() rtt.Date             { return e.StoppedOn }
func (e ClockNullified) On() rtt.Date           { return e.NullifiedOn }
func (e PatientDidNotAttend) On() rtt.Date      { return e.MissedOn }
func (e TransferredOut) On() rtt.Date           { return e.TransferredOn }
func (e AddedToWaitingList) On() rtt.Date       { return e.DecidedOn }
func (e PriorityChanged) On() rtt.Date          { return e.ChangedOn }
func (e RemovedFromWaitingList) On() rtt.Date   { return e.RemovedOn }
func (e PreOpAssessmentCompleted) On() rtt.Date { return e.AssessedOn }
func (e AlertFlagged) On() rtt.Date             { return e.FlaggedOn }
func (e AlertCleared) On() rtt.Date             { return e.ClearedOn }
func (e OfferMade) On() rtt.Date                { return e.OfferedOn }
func (e OfferDeclined) On() rtt.Date            { return e.DeclinedOn }
func (e OfferAccepted) On() rtt.Date            { return e.AcceptedOn }
func (e PatientUnavailable) On() rtt.Date       { return e.From }
func (e AdmissionBooked) On() rtt.Date          { return e.BookedOn }
func (e BookingCancelled) On() rtt.Date         { return e.CancelledOn }
func (e ValidationRecorded) On() rtt.Date       { return e.ValidatedOn }
func (e ClockStartCorrected) On() rtt.Date      { return e.CorrectedOn }
func (e EventRetracted) On() rtt.Date           { return e.RetractedOn }

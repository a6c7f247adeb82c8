package importer

import (
	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/rtt"
)

// Patient carries the identifiers POST /v1/pathways takes under "patient".
type Patient struct {
	NHSNumber  string    `json:"nhs_number"`
	FamilyName string    `json:"family_name,omitempty"`
	GivenName  string    `json:"given_name,omitempty"`
	BirthDate  *rtt.Date `json:"birth_date,omitempty"`
}

// Row is one valid PTL row, normalised: codes canonical, dates parsed, defaults
// applied. Its fields are named after the API command bodies they feed:
//
//   - POST /v1/pathways: PathwayID, Patient, SpecialtyCode, ReferralReceivedOn,
//     ReferralPriority, Source, OriginalClockStartOn();
//   - POST .../activities: LastActivityOn (occurred_on) with RTTStatus;
//   - POST .../waiting-list-entries when Listed(): DecisionToAdmitOn (decided_on),
//     ListType, Priority, ProcedureCode, ExpectedMinutes;
//   - POST .../bookings: TCIOn (admission_on) with booking id EventID(StepBooking).
//
// The date and code checks the aggregate makes on these commands for a new pathway
// have been made here, so a Row does not fail half-way through its import. RTTStatus
// is the status of the latest activity: 11 or 12 tell how the running period began,
// and the aggregate refuses them as a second start on the period the referral has
// just opened, so a mapper records that activity as 20 (10 is accepted as the
// period's first activity).
type Row struct {
	// Line is the file line the row starts on (the header is line 1).
	Line           int       `json:"line"`
	PathwayID      uuid.UUID `json:"pathway_id"`
	LocalPathwayID string    `json:"local_pathway_id"`
	Patient        Patient   `json:"patient"`
	SpecialtyCode  string    `json:"specialty_code"`

	ReferralReceivedOn rtt.Date `json:"referral_received_on"`
	// ClockStartOn is the RTT clock start: ReferralReceivedOn unless the file gave an
	// earlier original start (a transfer in, RTT.md §1).
	ClockStartOn rtt.Date       `json:"clock_start_on"`
	RTTStatus    rtt.StatusCode `json:"rtt_status"`
	// ReferralPriority is routine, urgent or two_week_wait (routine when empty).
	ReferralPriority string `json:"referral_priority"`
	// Source is empty when the file gave none and the clock starts on receipt, so the
	// ledger's default applies; transfer_in when the clock starts earlier.
	Source string `json:"source,omitempty"`

	// ListType is empty when the patient is not on a waiting list; then Priority,
	// DecisionToAdmitOn, TCIOn, ExpectedMinutes and ProcedureCode are empty too.
	ListType          string       `json:"list_type,omitempty"`
	Priority          rtt.Priority `json:"priority,omitempty"`
	DecisionToAdmitOn *rtt.Date    `json:"decision_to_admit_on,omitempty"`
	TCIOn             *rtt.Date    `json:"tci_on,omitempty"`
	LastActivityOn    *rtt.Date    `json:"last_activity_on,omitempty"`
	// ExpectedMinutes is 0 when not given.
	ExpectedMinutes int `json:"expected_minutes,omitempty"`
	// ProcedureCode is an OPCS-4 code in its four-character form (W371).
	ProcedureCode string `json:"procedure_code,omitempty"`
	// Sum is a fingerprint of the row's cells as the file gave them: a second read
	// of the file can tell the row it checked from one changed since.
	Sum uint64 `json:"-"`
}

// OriginalClockStartOn is the API's original_clock_start_on: set only when the clock
// started before the referral was received.
func (r *Row) OriginalClockStartOn() *rtt.Date {
	if r.ClockStartOn.Before(r.ReferralReceivedOn) {
		d := r.ClockStartOn
		return &d
	}
	return nil
}

// Listed reports whether the row carries a decision to admit.
func (r *Row) Listed() bool { return r.ListType != "" }

// EventID is the deterministic id of one import step of this row's pathway.
func (r *Row) EventID(step string) uuid.UUID { return EventID(r.PathwayID, step) }

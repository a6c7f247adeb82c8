package booking

import (
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Kind is what a pathway still owes a session.
type Kind string

const (
	// Book: give the pathway the booking of a scheduled patient.
	Book Kind = "book"
	// Cancel: cancel, as the hospital, the pathway's booking of a patient taken off a
	// list or on a cancelled list.
	Cancel Kind = "cancel"
)

// Action is one outstanding change to a pathway.
type Action struct {
	Kind        Kind     `json:"kind"`
	PathwayID   string   `json:"pathway_id"`
	BookingID   string   `json:"booking_id"`
	SessionID   string   `json:"session_id"`
	AdmissionOn rtt.Date `json:"admission_on"`
	// On is the business date of the session event: the day booked or cancelled.
	On       rtt.Date `json:"on"`
	Reason   string   `json:"reason,omitempty"`
	Clinical bool     `json:"clinical,omitempty"`
	// Cause is the session event that owes the change; Actor decided it.
	Cause    string           `json:"cause"`
	Actor    eventstore.Actor `json:"actor"`
	Position uint64           `json:"position"`
}

// Unschedule: take the patient off the list because their pathway booking was
// cancelled there (the patient cancelled the TCI, say), freeing the slot.
const Unschedule Kind = "unschedule"

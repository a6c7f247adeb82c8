package booking

import (
	"github.com/pathway-ledger/ledger/aggregates/session"
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

// Owed lists the pathway changes a session event owes, given the session as it was
// before the event: what the tracker derives from the log, for a writer that has
// just appended ev and wants to finish the work at once (Worker.Do).
func Owed(ev eventstore.Event, e session.Event, before session.State) []Action {
	switch e := e.(type) {
	case session.PatientScheduled:
		return []Action{scheduled(ev, e)}
	case session.PatientUnscheduled:
		if b, ok := before.Booking(e.PathwayID); ok && b.BookingID == e.BookingID {
			return []Action{removal(ev, scheduledOf(before, b), e.UnscheduledOn, removalReason(e), false)}
		}
	case session.SessionCancelled:
		var out []Action
		for _, ref := range e.CancelledBookings {
			if b, ok := before.Booking(ref.PathwayID); ok {
				out = append(out, removal(ev, scheduledOf(before, b), e.CancelledOn, cancellationReason(e), e.Clinical))
			}
		}
		return out
	}
	return nil
}

func scheduled(ev eventstore.Event, e session.PatientScheduled) Action {
	a := base(ev, Book)
	a.PathwayID, a.BookingID, a.SessionID, a.AdmissionOn, a.On = e.PathwayID, e.BookingID, e.SessionID, e.AdmissionOn, e.ScheduledOn
	return a
}

func scheduledOf(s session.State, b session.Booking) Action {
	return Action{Kind: Book, PathwayID: b.PathwayID, BookingID: b.BookingID, SessionID: s.SessionID, AdmissionOn: s.Date}
}

func removal(ev eventstore.Event, sched Action, on rtt.Date, reason string, clinical bool) Action {
	a := base(ev, Cancel)
	a.PathwayID, a.BookingID, a.SessionID, a.AdmissionOn = sched.PathwayID, sched.BookingID, sched.SessionID, sched.AdmissionOn
	a.On, a.Reason, a.Clinical = on, reason, clinical
	return a
}

func removalReason(e session.PatientUnscheduled) string {
	if e.Reason == "" {
		return "taken off the session list"
	}
	return e.Reason
}

func cancellationReason(e session.SessionCancelled) string { return "session cancelled: " + e.Reason }

func base(ev eventstore.Event, kind Kind) Action {
	return Action{Kind: kind, Cause: ev.EventID, Actor: ev.Actor, Position: ev.Position}
}

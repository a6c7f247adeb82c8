package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pathway-ledger/ledger/rtt"
)

// SchemaVersion is the schema version of every event this package writes.
const SchemaVersion = 1

var (
	// ErrUnknownEventType: the type is not a session event.
	ErrUnknownEventType = errors.New("session: unknown event type")
	// ErrUnsupportedSchema: the schema version is not one this package reads.
	ErrUnsupportedSchema = errors.New("session: unsupported schema version")
	// ErrMalformedEvent: the data is not valid JSON for the type or breaks an invariant.
	ErrMalformedEvent = errors.New("session: malformed event data")
)

var decoders = map[string]func() Event{
	TypeSessionPlanned:          func() Event { return &SessionPlanned{} },
	TypePatientScheduled:        func() Event { return &PatientScheduled{} },
	TypePatientUnscheduled:      func() Event { return &PatientUnscheduled{} },
	TypeSessionMilestoneReached: func() Event { return &SessionMilestoneReached{} },
	TypeSessionFinalised:        func() Event { return &SessionFinalised{} },
	TypeSessionCancelled:        func() Event { return &SessionCancelled{} },
	TypeSessionReleased:         func() Event { return &SessionReleased{} },
}

// EventTypes lists every session event type.
func EventTypes() []string {
	return []string{TypeSessionPlanned, TypePatientScheduled, TypePatientUnscheduled,
		TypeSessionMilestoneReached, TypeSessionFinalised, TypeSessionCancelled, TypeSessionReleased}
}

// IsEventType reports whether typ names a session event.
func IsEventType(typ string) bool { _, ok := decoders[typ]; return ok }

// Encode gives an event's stored type and JSON data; the schema version is
// SchemaVersion. An event that breaks its invariants is refused, so nothing Decode
// would reject is ever written.
func Encode(e Event) (string, []byte, error) {
	if e == nil {
		return "", nil, fmt.Errorf("%w: nil event", ErrMalformedEvent)
	}
	if err := e.validate(); err != nil {
		return "", nil, err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s: %v", ErrMalformedEvent, e.Type(), err)
	}
	return e.Type(), data, nil
}

// Decode reads stored event data back into its value type (SessionPlanned, not a
// pointer). Unknown fields, trailing data and broken invariants are refused: the data
// is outside input once it has been on disk.
func Decode(typ string, schemaVersion int, data []byte) (Event, error) {
	mk, ok := decoders[typ]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEventType, typ)
	}
	if schemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: %s version %d", ErrUnsupportedSchema, typ, schemaVersion)
	}
	ptr := mk()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformedEvent, typ, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: %s: trailing data", ErrMalformedEvent, typ)
	}
	ev := deref(ptr)
	if err := ev.validate(); err != nil {
		return nil, err
	}
	return ev, nil
}

func deref(e Event) Event {
	switch p := e.(type) {
	case *SessionPlanned:
		return *p
	case *PatientScheduled:
		return *p
	case *PatientUnscheduled:
		return *p
	case *SessionMilestoneReached:
		return *p
	case *SessionFinalised:
		return *p
	case *SessionCancelled:
		return *p
	case *SessionReleased:
		return *p
	}
	return e
}

func malformed(typ, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformedEvent, typ, fmt.Sprintf(format, args...))
}

func (e SessionPlanned) validate() error {
	switch {
	case e.SessionID == "":
		return malformed(e.Type(), "session_id is empty")
	case e.EndTime.Minutes() <= e.StartTime.Minutes():
		return malformed(e.Type(), "end_time %s is not after start_time %s", e.EndTime, e.StartTime)
	case e.CapacityMinutes != e.StartTime.MinutesUntil(e.EndTime):
		return malformed(e.Type(), "capacity_minutes %d is not end − start", e.CapacityMinutes)
	case e.TurnaroundMinutes < 0 || e.TurnaroundMinutes >= e.CapacityMinutes:
		return malformed(e.Type(), "turnaround_minutes %d out of range", e.TurnaroundMinutes)
	case !ValidListType(e.ListType):
		return malformed(e.Type(), "list_type %q", e.ListType)
	case !rtt.ValidTreatmentFunction(e.SpecialtyCode):
		return malformed(e.Type(), "specialty_code %q", e.SpecialtyCode)
	case !validGrade(e.Capabilities.AnaesthetistGrade):
		return malformed(e.Type(), "anaesthetist_grade %q", e.Capabilities.AnaesthetistGrade)
	}
	return nil
}

func (e PatientScheduled) validate() error {
	switch {
	case e.SessionID == "" || e.PathwayID == "" || e.BookingID == "":
		return malformed(e.Type(), "session_id, pathway_id and booking_id are required")
	case e.ExpectedMinutes <= 0:
		return malformed(e.Type(), "expected_minutes %d", e.ExpectedMinutes)
	}
	return nil
}

func (e PatientUnscheduled) validate() error {
	switch {
	case e.SessionID == "" || e.PathwayID == "" || e.BookingID == "":
		return malformed(e.Type(), "session_id, pathway_id and booking_id are required")
	case e.ExpectedMinutes <= 0:
		return malformed(e.Type(), "expected_minutes %d", e.ExpectedMinutes)
	}
	return nil
}

func (e SessionMilestoneReached) validate() error {
	switch {
	case e.SessionID == "":
		return malformed(e.Type(), "session_id is empty")
	case e.Milestone != MilestoneConfirm && e.Milestone != MilestoneFill && e.Milestone != MilestoneLock:
		return malformed(e.Type(), "milestone %q", e.Milestone)
	case !(e.FillLevel >= 0 && e.FillLevel <= 1) || !(e.FillThreshold >= 0 && e.FillThreshold <= 1):
		return malformed(e.Type(), "fill level and threshold must lie in 0–1")
	}
	return nil
}

func (e SessionFinalised) validate() error {
	if e.SessionID == "" || e.Cases < 0 || e.BookedMinutes < 0 {
		return malformed(e.Type(), "session_id is required and counts are not negative")
	}
	return nil
}

func (e SessionCancelled) validate() error {
	if e.SessionID == "" || e.Reason == "" {
		return malformed(e.Type(), "session_id and reason are required")
	}
	for _, b := range e.CancelledBookings {
		if b.PathwayID == "" || b.BookingID == "" {
			return malformed(e.Type(), "cancelled booking without pathway_id or booking_id")
		}
	}
	return nil
}

func (e SessionReleased) validate() error {
	if e.SessionID == "" {
		return malformed(e.Type(), "session_id is empty")
	}
	return nil
}

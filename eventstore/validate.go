package eventstore

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Documented limits. A KurrentDB cluster must be configured to accept MaxDataBytes
// (docker-compose.yml sets its max append size accordingly).
const (
	MaxStreamNameBytes = 256
	MaxTypeBytes       = 128
	MaxMetadataBytes   = 4096 // each of actor user/role, correlation, causation, reason
	MaxDataBytes       = 4 << 20
	MaxEventsPerAppend = 10000
	MaxAppendBytes     = 64 << 20 // the data of all events of one append together
)

// ValidateStream checks a stream name: non-empty, valid UTF-8, at most 256 bytes, and
// not starting with '$' (reserved for engine system streams).
func ValidateStream(stream string) error {
	switch {
	case stream == "":
		return &InvalidEventError{Field: "stream", Rule: "must not be empty"}
	case len(stream) > MaxStreamNameBytes:
		return &InvalidEventError{Field: "stream", Rule: fmt.Sprintf("at most %d bytes", MaxStreamNameBytes)}
	case !utf8.ValidString(stream):
		return &InvalidEventError{Field: "stream", Rule: "must be valid UTF-8"}
	case stream[0] == '$':
		return &InvalidEventError{Field: "stream", Rule: "must not start with $ (reserved)"}
	}
	return nil
}

// Prepare validates a batch for appending and gives every event without an id a
// UUID v7. It returns a copy; the caller's slice is not changed.
func Prepare(stream string, events []EventData) ([]EventData, error) {
	if err := ValidateStream(stream); err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, &InvalidEventError{Field: "events", Rule: "an append needs at least one event"}
	}
	if len(events) > MaxEventsPerAppend {
		return nil, &InvalidEventError{Field: "events", Rule: fmt.Sprintf("at most %d events per append", MaxEventsPerAppend)}
	}
	out := make([]EventData, len(events))
	seen := make(map[string]struct{}, len(events))
	total := 0
	for i, e := range events {
		if e.EventID == "" {
			id, err := uuid.NewV7()
			if err != nil {
				return nil, fmt.Errorf("eventstore: make event id: %w", err)
			}
			e.EventID = id.String()
		}
		if err := Validate(&e); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if _, dup := seen[e.EventID]; dup {
			return nil, &InvalidEventError{Field: "event_id", Rule: "repeated within one append"}
		}
		seen[e.EventID] = struct{}{}
		if total += len(e.Data); total > MaxAppendBytes {
			return nil, &InvalidEventError{Field: "events", Rule: fmt.Sprintf("at most %d bytes of data per append", MaxAppendBytes)}
		}
		out[i] = e
	}
	return out, nil
}

// Validate checks one event against the documented limits and formats.
func Validate(e *EventData) error {
	if u, err := uuid.Parse(e.EventID); err != nil || u.String() != e.EventID {
		return &InvalidEventError{Field: "event_id", Rule: "must be a lower-case hyphenated UUID"}
	}
	if e.Type == "" || len(e.Type) > MaxTypeBytes || !utf8.ValidString(e.Type) {
		return &InvalidEventError{Field: "type", Rule: fmt.Sprintf("must be 1 to %d bytes of UTF-8", MaxTypeBytes)}
	}
	if e.SchemaVersion < 1 {
		return &InvalidEventError{Field: "schema_version", Rule: "must be at least 1"}
	}
	if _, err := time.Parse("2006-01-02", e.OccurredOn); err != nil || len(e.OccurredOn) != 10 {
		return &InvalidEventError{Field: "occurred_on", Rule: "must be a calendar date YYYY-MM-DD"}
	}
	for _, f := range []struct{ name, v string }{
		{"actor.user", e.Actor.User}, {"actor.role", e.Actor.Role},
		{"correlation_id", e.CorrelationID}, {"causation_id", e.CausationID}, {"reason", e.Reason},
	} {
		if len(f.v) > MaxMetadataBytes {
			return &InvalidEventError{Field: f.name, Rule: fmt.Sprintf("at most %d bytes", MaxMetadataBytes)}
		}
		if !utf8.ValidString(f.v) {
			return &InvalidEventError{Field: f.name, Rule: "must be valid UTF-8"}
		}
	}
	if len(e.Data) > MaxDataBytes {
		return &InvalidEventError{Field: "data", Rule: fmt.Sprintf("at most %d bytes", MaxDataBytes)}
	}
	if len(e.Data) == 0 || !json.Valid(e.Data) {
		return &InvalidEventError{Field: "data", Rule: "must be a JSON document"}
	}
	return nil
}

// SameContent reports whether a stored event carries exactly what was sent: the
// idempotency comparison of a retried append (the store's own fields are ignored).
func SameContent(stored *Event, sent *EventData) bool {
	return stored.EventID == sent.EventID && stored.Type == sent.Type &&
		stored.SchemaVersion == sent.SchemaVersion && stored.OccurredOn == sent.OccurredOn &&
		stored.Actor == sent.Actor && stored.CorrelationID == sent.CorrelationID &&
		stored.CausationID == sent.CausationID && stored.Reason == sent.Reason &&
		string(stored.Data) == string(sent.Data)
}

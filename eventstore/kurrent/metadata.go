package kurrent

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/eventstore"
)

// metadata carries the envelope fields KurrentDB has no place for, as the event's
// user metadata (JSON). The event's own KurrentDB id is derived from the stream and
// the ledger's event id, so a retried append re-sends the same ids and the server's
// idempotency check recognises it.
type metadata struct {
	EventID       string           `json:"event_id"`
	SchemaVersion int              `json:"schema_version"`
	OccurredOn    string           `json:"occurred_on"`
	RecordedAt    string           `json:"recorded_at"`
	Actor         eventstore.Actor `json:"actor"`
	CorrelationID string           `json:"correlation_id,omitempty"`
	CausationID   string           `json:"causation_id,omitempty"`
	Reason        string           `json:"reason,omitempty"`
	PrevHash      string           `json:"prev_hash"`
	Hash          string           `json:"hash"`
}

// namespace for the derived KurrentDB event ids (fixed forever: changing it would
// break idempotency of retries across versions).
var namespace = uuid.MustParse("6f1d2a8e-3c55-4f0e-9d8a-2b7c1e4a9f30")

// ServerEventID is the KurrentDB event id of a ledger event in a stream.
func ServerEventID(stream, eventID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(stream+"\x00"+eventID))
}

func encodeMetadata(e *eventstore.Event) ([]byte, error) {
	return json.Marshal(metadata{
		EventID: e.EventID, SchemaVersion: e.SchemaVersion, OccurredOn: e.OccurredOn,
		RecordedAt: eventstore.FormatRecordedAt(e.RecordedAt), Actor: e.Actor,
		CorrelationID: e.CorrelationID, CausationID: e.CausationID, Reason: e.Reason,
		PrevHash: e.PrevHash, Hash: e.Hash,
	})
}

// decodeEvent rebuilds the envelope from what KurrentDB returns. Events written by
// anything but the ledger (no ledger metadata) are reported as not ours.
func decodeEvent(stream string, version, position uint64, typ string, data, meta []byte) (eventstore.Event, error) {
	var m metadata
	if err := json.Unmarshal(meta, &m); err != nil {
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d: metadata: %v", errNotLedger, stream, version, err)
	}
	if m.EventID == "" || m.Hash == "" {
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d has no ledger envelope", errNotLedger, stream, version)
	}
	at, err := eventstore.ParseRecordedAt(m.RecordedAt)
	if err != nil {
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d: recorded_at %q", errNotLedger, stream, version, m.RecordedAt)
	}
	return eventstore.Event{
		EventID: m.EventID, Stream: stream, StreamVersion: version, Position: position, Type: typ,
		SchemaVersion: m.SchemaVersion, OccurredOn: m.OccurredOn, RecordedAt: at, Actor: m.Actor,
		CorrelationID: m.CorrelationID, CausationID: m.CausationID, Reason: m.Reason,
		Data: data, PrevHash: m.PrevHash, Hash: m.Hash,
	}, nil
}

var errNotLedger = fmt.Errorf("kurrent: event not written by the ledger")

// recordedAtNow is the ledger's clock for recorded_at (the server's created date is
// not part of the hash, so the ledger stamps its own).
var recordedAtNow = func() time.Time { return time.Now() }

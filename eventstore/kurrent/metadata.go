package kurrent

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/eventstore"
)

// metadata carries the envelope fields KurrentDB has no place for, as the event's JSON
// user metadata. KurrentDB keeps stream, version, position, type and data itself.
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

var (
	// errForeign: the event carries no ledger envelope (another writer, or a KurrentDB
	// system event). The global log skips such events; a ledger stream must not hold one.
	errForeign = errors.New("kurrent: event not written by the ledger")
	// errEnvelope: the event claims a ledger envelope that does not decode.
	errEnvelope = errors.New("kurrent: damaged ledger envelope")
)

func encodeMetadata(e *eventstore.Event) ([]byte, error) {
	return json.Marshal(metadata{
		EventID: e.EventID, SchemaVersion: e.SchemaVersion, OccurredOn: e.OccurredOn,
		RecordedAt: eventstore.FormatRecordedAt(e.RecordedAt), Actor: e.Actor,
		CorrelationID: e.CorrelationID, CausationID: e.CausationID, Reason: e.Reason,
		PrevHash: e.PrevHash, Hash: e.Hash,
	})
}

// decodeEvent rebuilds the envelope from what KurrentDB stores. Metadata that is not a
// JSON object naming an event id and a hash is foreign (errForeign); a ledger envelope
// with an unreadable field is damaged (errEnvelope).
func decodeEvent(stream string, version, position uint64, typ string, data, meta []byte) (eventstore.Event, error) {
	var m metadata
	if err := json.Unmarshal(meta, &m); err != nil || m.EventID == "" || m.Hash == "" {
		if !claimsEnvelope(meta) {
			return eventstore.Event{}, fmt.Errorf("%w: %s@%d", errForeign, stream, version)
		}
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d: %v", errEnvelope, stream, version, err)
	}
	at, err := eventstore.ParseRecordedAt(m.RecordedAt)
	if err != nil {
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d: recorded_at %q", errEnvelope, stream, version, m.RecordedAt)
	}
	if !json.Valid(data) {
		return eventstore.Event{}, fmt.Errorf("%w: %s@%d: data is not JSON", errEnvelope, stream, version)
	}
	return eventstore.Event{
		EventID: m.EventID, Stream: stream, StreamVersion: version, Position: position, Type: typ,
		SchemaVersion: m.SchemaVersion, OccurredOn: m.OccurredOn, RecordedAt: at, Actor: m.Actor,
		CorrelationID: m.CorrelationID, CausationID: m.CausationID, Reason: m.Reason,
		Data: json.RawMessage(data), PrevHash: m.PrevHash, Hash: m.Hash,
	}, nil
}

// claimsEnvelope reports metadata that names a ledger event id and hash, whatever
// else it holds.
func claimsEnvelope(meta []byte) bool {
	var probe struct {
		EventID any `json:"event_id"`
		Hash    any `json:"hash"`
	}
	if json.Unmarshal(meta, &probe) != nil {
		return false
	}
	id, _ := probe.EventID.(string)
	hash, _ := probe.Hash.(string)
	return id != "" && hash != ""
}

// idNamespace roots the KurrentDB event ids. It is fixed forever: a new value would
// make a retried append look new to the server.
var idNamespace = uuid.MustParse("6f1d2a8e-3c55-4f0e-9d8a-2b7c1e4a9f30")

// ServerEventID is the KurrentDB event id under which the ledger stores sent data in a
// stream: a UUIDv5 of the stream, the ledger event id and a digest of what the writer
// sent (not recorded_at or the hash, which the store assigns). A retried append
// therefore re-sends the same ids, which KurrentDB recognises at the expected revision,
// while the same ledger id with other content gets a different id and cannot be
// mistaken for a retry by the server.
func ServerEventID(stream string, d *eventstore.EventData) uuid.UUID {
	h := sha256.New()
	for _, f := range []string{stream, d.EventID, d.Type, strconv.Itoa(d.SchemaVersion), d.OccurredOn,
		d.Actor.User, d.Actor.Role, d.CorrelationID, d.CausationID, d.Reason} {
		writeField(h, []byte(f))
	}
	writeField(h, d.Data)
	return uuid.NewSHA1(idNamespace, h.Sum(nil))
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

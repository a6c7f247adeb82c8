package eventstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"time"
)

// RecordedAtPrecision: recorded_at is kept to the microsecond so that every engine
// and every text form round-trips it exactly (the hash covers it).
const RecordedAtPrecision = time.Microsecond

// ComputeHash returns the hex SHA-256 of the stream's previous hash followed by the
// canonical envelope. The canonical envelope is every field but hash and position,
// each written as a 4-byte big-endian length and its bytes, in this order: event_id,
// stream, stream_version (decimal), type, schema_version (decimal), occurred_on,
// recorded_at (RFC 3339 UTC, microseconds), actor user, actor role, correlation_id,
// causation_id, reason, data (the bytes as stored). Length prefixes make the encoding
// unambiguous; prev_hash is "" for a stream's first event.
func ComputeHash(prevHash string, e *Event) string {
	h := sha256.New()
	writeField(h, prevHash)
	writeField(h, e.EventID)
	writeField(h, e.Stream)
	writeField(h, strconv.FormatUint(e.StreamVersion, 10))
	writeField(h, e.Type)
	writeField(h, strconv.Itoa(e.SchemaVersion))
	writeField(h, e.OccurredOn)
	writeField(h, FormatRecordedAt(e.RecordedAt))
	writeField(h, e.Actor.User)
	writeField(h, e.Actor.Role)
	writeField(h, e.CorrelationID)
	writeField(h, e.CausationID)
	writeField(h, e.Reason)
	writeBytes(h, e.Data)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets PrevHash and Hash of an event that follows prevHash in its stream.
func Seal(prevHash string, e *Event) {
	e.PrevHash = prevHash
	e.Hash = ComputeHash(prevHash, e)
}

// FormatRecordedAt is the one text form of recorded_at: RFC 3339 UTC with exactly six
// fractional digits.
func FormatRecordedAt(t time.Time) string {
	return t.UTC().Truncate(RecordedAtPrecision).Format("2006-01-02T15:04:05.000000Z07:00")
}

// ParseRecordedAt parses FormatRecordedAt's output.
func ParseRecordedAt(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// NewEvent builds the stored envelope of sent data at a stream position, without the
// hash chain.
func NewEvent(stream string, version uint64, recordedAt time.Time, d *EventData) Event {
	return Event{
		EventID: d.EventID, Stream: stream, StreamVersion: version, Type: d.Type,
		SchemaVersion: d.SchemaVersion, OccurredOn: d.OccurredOn,
		RecordedAt: recordedAt.UTC().Truncate(RecordedAtPrecision), Actor: d.Actor,
		CorrelationID: d.CorrelationID, CausationID: d.CausationID, Reason: d.Reason,
		Data: d.Data,
	}
}

func writeField(h hash.Hash, s string) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

func writeBytes(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}

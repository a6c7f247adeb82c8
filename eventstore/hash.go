package eventstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// RecordedAtPrecision: recorded_at is kept to the microsecond so that every engine
// and every text form round-trips it exactly (the hash covers it).
const RecordedAtPrecision = time.Microsecond

// ComputeHash returns the hex SHA-256 of the stream's previous hash followed by the
// canonical envelope (see AppendCanonical).
func ComputeHash(prevHash string, e *Event) string {
	bp := canonicalBufs.Get().(*[]byte)
	b := AppendCanonical((*bp)[:0], prevHash, e)
	sum := sha256.Sum256(b)
	if cap(b) <= maxPooledCanonical {
		*bp = b
		canonicalBufs.Put(bp)
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

var canonicalBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledCanonical keeps the buffers of large events out of the pool.
const maxPooledCanonical = 64 << 10

// AppendCanonical appends to dst the bytes ComputeHash hashes: prevHash, then every
// envelope field but hash and position, each written as a 4-byte big-endian length
// and its bytes, in this order: event_id, stream, stream_version (decimal), type,
// schema_version (decimal), occurred_on, recorded_at (FormatRecordedAt), actor user,
// actor role, correlation_id, causation_id, reason, data (the bytes as stored).
// Length prefixes make the encoding unambiguous; prevHash is "" for a stream's
// first event.
func AppendCanonical(dst []byte, prevHash string, e *Event) []byte {
	dst = appendField(dst, prevHash)
	dst = appendField(dst, e.EventID)
	dst = appendField(dst, e.Stream)
	dst = appendLength(dst, func(b []byte) []byte { return strconv.AppendUint(b, e.StreamVersion, 10) })
	dst = appendField(dst, e.Type)
	dst = appendLength(dst, func(b []byte) []byte { return strconv.AppendInt(b, int64(e.SchemaVersion), 10) })
	dst = appendField(dst, e.OccurredOn)
	dst = appendLength(dst, func(b []byte) []byte { return appendRecordedAt(b, e.RecordedAt) })
	dst = appendField(dst, e.Actor.User)
	dst = appendField(dst, e.Actor.Role)
	dst = appendField(dst, e.CorrelationID)
	dst = appendField(dst, e.CausationID)
	dst = appendField(dst, e.Reason)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(e.Data)))
	return append(dst, e.Data...)
}

func appendField(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// appendLength writes a field whose length is known once it is written.
func appendLength(dst []byte, write func([]byte) []byte) []byte {
	at := len(dst)
	dst = write(append(dst, 0, 0, 0, 0))
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	return dst
}

// Seal sets PrevHash and Hash of an event that follows prevHash in its stream.
func Seal(prevHash string, e *Event) {
	e.PrevHash = prevHash
	e.Hash = ComputeHash(prevHash, e)
}

const recordedAtLayout = "2006-01-02T15:04:05.000000Z07:00"

// FormatRecordedAt is the one text form of recorded_at: RFC 3339 UTC with exactly six
// fractional digits, e.g. 2025-01-06T10:00:00.123456Z.
func FormatRecordedAt(t time.Time) string {
	return string(appendRecordedAt(make([]byte, 0, 27), t))
}

func appendRecordedAt(dst []byte, t time.Time) []byte {
	return t.UTC().Truncate(RecordedAtPrecision).AppendFormat(dst, recordedAtLayout)
}

// ParseRecordedAt parses FormatRecordedAt's output (and any other RFC 3339 instant),
// returning UTC.
func ParseRecordedAt(s string) (time.Time, error) {
	if t, ok := parseCanonicalInstant(s); ok {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// parseCanonicalInstant is the fast path of ParseRecordedAt for exactly
// "YYYY-MM-DDTHH:MM:SS.ffffffZ", the form every stored event has. It accepts only
// what time.Parse accepts (a fuzz target holds it to that).
func parseCanonicalInstant(s string) (time.Time, bool) {
	if len(s) != 27 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	clock, ok := clockOf(s)
	year, okY := digits(s[0:4])
	month, okM := digits(s[5:7])
	day, okD := digits(s[8:10])
	if !ok || !okY || !okM || !okD || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Add(clock), true
}

// clockOf is the time of day of a canonical instant, "THH:MM:SS.ffffffZ" after its
// date.
func clockOf(s string) (time.Duration, bool) {
	if len(s) != 27 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return 0, false
	}
	hour, okH := digits(s[11:13])
	minute, okM := digits(s[14:16])
	sec, okS := digits(s[17:19])
	usec, okU := digits(s[20:26])
	if !okH || !okM || !okS || !okU || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	return time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute +
		time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// InstantParser is ParseRecordedAt for instants read one after another, as a
// log's are: most share the date of the one before, whose midnight it keeps, so
// that such an instant costs its time of day only. The zero value is ready.
type InstantParser struct {
	day      [10]byte
	midnight time.Time
	known    bool
}

// Parse is ParseRecordedAt(s). It keeps nothing of s.
func (p *InstantParser) Parse(s string) (time.Time, error) {
	if p.known && len(s) == 27 && s[:10] == string(p.day[:]) {
		if clock, ok := clockOf(s); ok {
			return p.midnight.Add(clock), nil
		}
	}
	if t, ok := parseCanonicalInstant(s); ok {
		copy(p.day[:], s[:10])
		p.midnight, p.known = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		return t, nil
	}
	return ParseRecordedAt(s)
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
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

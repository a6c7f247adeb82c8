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
	if len(s) != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, usec := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, usec*1000, time.UTC), true
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

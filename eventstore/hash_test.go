package eventstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func goldenEvent() Event {
	return Event{EventID: "0190b6d4-0000-7000-8000-000000000001", Stream: "pathway-1", StreamVersion: 3,
		Type: "ReferralReceived", SchemaVersion: 2, OccurredOn: "2025-01-06",
		RecordedAt: time.Date(2025, 1, 6, 10, 0, 1, 123456789, time.UTC),
		Actor:      Actor{User: "u1", Role: "booking"}, CorrelationID: "c", Reason: "why",
		Data: json.RawMessage(`{"a":1}`)}
}

// The hash of a stored event must never change: this value was computed when the
// format was fixed, and the expected bytes below spell the format out.
func TestHashIsStable(t *testing.T) {
	e := goldenEvent()
	require.Equal(t, "f90592c06f161cac8ceaf8dd3095c9dda3ccfa14e93bd419df1cbb127ae21e6e", ComputeHash("abc", &e))

	var want []byte
	for _, f := range []string{"abc", e.EventID, "pathway-1", "3", "ReferralReceived", "2", "2025-01-06",
		"2025-01-06T10:00:01.123456Z", "u1", "booking", "c", "", "why", `{"a":1}`} {
		want = binary.BigEndian.AppendUint32(want, uint32(len(f)))
		want = append(want, f...)
	}
	require.Equal(t, want, AppendCanonical(nil, "abc", &e))
	sum := sha256.Sum256(want)
	require.Equal(t, hex.EncodeToString(sum[:]), ComputeHash("abc", &e))
}

func TestHashOfALargeEvent(t *testing.T) {
	e := goldenEvent()
	e.Data = json.RawMessage(`"` + strings.Repeat("x", 1<<20) + `"`)
	h1 := ComputeHash("", &e)
	e.Data[len(e.Data)/2] = 'y'
	require.NotEqual(t, h1, ComputeHash("", &e))
	require.Len(t, h1, 64)
}

func TestRecordedAtFormat(t *testing.T) {
	at := time.Date(2025, 1, 6, 10, 0, 1, 123456789, time.FixedZone("BST", 3600))
	require.Equal(t, "2025-01-06T09:00:01.123456Z", FormatRecordedAt(at))
	require.Equal(t, "2025-01-06T09:00:01.000000Z", FormatRecordedAt(at.Truncate(time.Second)))
	back, err := ParseRecordedAt("2025-01-06T09:00:01.123456Z")
	require.NoError(t, err)
	require.True(t, back.Equal(at.Truncate(time.Microsecond)))
	require.Equal(t, time.UTC, back.Location())

	other, err := ParseRecordedAt("2025-01-06T10:00:01.5+01:00")
	require.NoError(t, err, "any RFC 3339 instant parses")
	require.Equal(t, "2025-01-06T09:00:01.500000Z", FormatRecordedAt(other))
	for _, bad := range []string{"", "2025-02-29T00:00:00.000000Z", "2025-01-06T24:00:00.000000Z",
		"2025-01-06T10:60:00.000000Z", "2025-01-06 10:00:00.000000Z", "2025-13-01T00:00:00.000000Z", "2025-01-06"} {
		_, err := ParseRecordedAt(bad)
		require.Error(t, err, bad)
	}
	leap, err := ParseRecordedAt("2024-02-29T23:59:59.999999Z")
	require.NoError(t, err)
	require.Equal(t, 29, leap.Day())
}

// The fast path of ParseRecordedAt accepts exactly what time.Parse accepts, with the
// same instant; recorded_at is read back from files an auditor can edit.
func FuzzParseRecordedAt(f *testing.F) {
	for _, s := range []string{"2025-01-06T10:00:01.123456Z", "2024-02-29T23:59:59.999999Z", "2023-02-29T00:00:00.000000Z",
		"0000-01-01T00:00:00.000000Z", "2025-01-06T10:00:01.12345xZ", "2025-01-06T10:00:01Z", "9999-12-31T23:59:59.999999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseCanonicalInstant(s)
		slow, err := time.Parse(time.RFC3339Nano, s)
		if ok {
			if err != nil {
				t.Fatalf("fast path accepted %q, time.Parse refused: %v", s, err)
			}
			if !fast.Equal(slow) {
				t.Fatalf("%q: fast %v, time.Parse %v", s, fast, slow)
			}
		}
		got, perr := ParseRecordedAt(s)
		if (perr == nil) != (err == nil) {
			t.Fatalf("%q: ParseRecordedAt error %v, time.Parse error %v", s, perr, err)
		}
		if perr == nil && !got.Equal(slow) {
			t.Fatalf("%q: %v != %v", s, got, slow)
		}
	})
}

// An InstantParser reads each of a run of instants as ParseRecordedAt does, whatever
// the one before it was: a date it remembers, another date, or nothing valid.
func FuzzInstantParser(f *testing.F) {
	f.Add("2025-01-06T10:00:01.123456Z", "2025-01-06T23:59:59.999999Z")
	f.Add("2025-01-06T10:00:01.123456Z", "2025-01-06T24:00:00.000000Z")
	f.Add("2025-01-06T10:00:01.123456Z", "2025-01-07T00:00:00.000000Z")
	f.Add("2024-02-29T10:00:00.000000Z", "2024-02-29T10:00:00+01:00")
	f.Add("2023-02-29T10:00:00.000000Z", "2023-02-29T10:00:00.000000Z")
	f.Add("garbage", "2025-01-06T10:00:01.12345xZ")
	f.Fuzz(func(t *testing.T, a, b string) {
		var p InstantParser
		for _, s := range []string{a, b, a} {
			got, err := p.Parse(s)
			want, wantErr := ParseRecordedAt(s)
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%q after %q: error %v, ParseRecordedAt's %v", s, a, err, wantErr)
			}
			if err == nil && !got.Equal(want) {
				t.Fatalf("%q after %q: %v, ParseRecordedAt's %v", s, a, got, want)
			}
		}
	})
}

func TestInstantParserSharesADate(t *testing.T) {
	var p InstantParser
	first, err := p.Parse("2025-01-06T10:00:01.123456Z")
	require.NoError(t, err)
	next, err := p.Parse("2025-01-06T23:59:59.999999Z")
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 1, 6, 23, 59, 59, 999999000, time.UTC), next)
	require.Equal(t, time.UTC, next.Location())
	require.True(t, next.After(first))
	_, err = p.Parse("2025-01-06T24:00:00.000000Z")
	require.Error(t, err, "the remembered date does not let an hour 24 through")
	other, err := p.Parse("2025-03-30T01:30:00.000000Z")
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC), other)
}

func BenchmarkComputeHash(b *testing.B) {
	e := goldenEvent()
	b.ReportAllocs()
	for b.Loop() {
		ComputeHash("abc", &e)
	}
}

// A log's recorded_at, one after another on the same day, as a replay reads them.
func BenchmarkRecordedAt(b *testing.B) {
	at := make([]string, 256)
	for i := range at {
		at[i] = FormatRecordedAt(time.Date(2025, 1, 6, 9, 0, i, i*1000, time.UTC))
	}
	b.Run("ParseRecordedAt", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := ParseRecordedAt(at[i%len(at)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("InstantParser", func(b *testing.B) {
		var p InstantParser
		for i := 0; b.Loop(); i++ {
			if _, err := p.Parse(at[i%len(at)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

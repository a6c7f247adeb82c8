package eventstore

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func sample(id string) EventData {
	return EventData{EventID: id, Type: "ReferralReceived", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: Actor{User: "u1", Role: "booking"}, Data: json.RawMessage(`{"a":1}`)}
}

func chain(n int) []Event {
	out := make([]Event, n)
	prev := ""
	for i := range out {
		d := sample("0190b6d4-0000-7000-8000-00000000000" + string(rune('0'+i)))
		out[i] = NewEvent("pathway-1", uint64(i), time.Date(2025, 1, 6, 10, 0, i, 123456789, time.UTC), &d)
		out[i].Position = uint64(i + 1)
		Seal(prev, &out[i])
		prev = out[i].Hash
	}
	return out
}

func TestVerifyAcceptsAnIntactChain(t *testing.T) {
	r := VerifyStream(chain(5))
	require.True(t, r.OK)
	require.Equal(t, uint64(5), r.Events)
	require.Equal(t, uint64(1), r.Streams)
	require.Empty(t, r.Failures)
}

func TestVerifyNamesTheTamperedEvent(t *testing.T) {
	evs := chain(5)
	evs[2].Data = json.RawMessage(`{"a":2}`)
	r := VerifyStream(evs)
	require.False(t, r.OK)
	require.Len(t, r.Failures, 1, "only the first broken link of a stream is reported")
	require.Equal(t, uint64(2), r.Failures[0].StreamVersion)
	require.Equal(t, evs[2].EventID, r.Failures[0].EventID)
	require.Contains(t, r.Failures[0].Problem, "hash does not match")
}

func TestVerifyCatchesARemovedOrReorderedEvent(t *testing.T) {
	evs := chain(4)
	r := VerifyStream(append(evs[:1:1], evs[2:]...))
	require.False(t, r.OK)
	require.Equal(t, "stream version out of sequence", r.Failures[0].Problem)

	evs = chain(3)
	evs[2].PrevHash = evs[0].Hash
	r = VerifyStream(evs)
	require.False(t, r.OK)
	require.Contains(t, r.Failures[0].Problem, "prev_hash")
}

func TestHashCoversEveryEnvelopeField(t *testing.T) {
	base := chain(1)[0]
	mutations := map[string]func(e *Event){
		"type":        func(e *Event) { e.Type = "X" },
		"occurred_on": func(e *Event) { e.OccurredOn = "2025-01-07" },
		"recorded_at": func(e *Event) { e.RecordedAt = e.RecordedAt.Add(time.Microsecond) },
		"actor":       func(e *Event) { e.Actor.Role = "admin" },
		"reason":      func(e *Event) { e.Reason = "r" },
		"stream":      func(e *Event) { e.Stream = "pathway-2" },
		"version":     func(e *Event) { e.StreamVersion = 7 },
		"schema":      func(e *Event) { e.SchemaVersion = 2 },
		"correlation": func(e *Event) { e.CorrelationID = "c" },
		"causation":   func(e *Event) { e.CausationID = "c" },
	}
	for name, mutate := range mutations {
		e := base
		mutate(&e)
		require.NotEqual(t, base.Hash, ComputeHash(e.PrevHash, &e), name)
	}
	// Moving bytes between adjacent fields must change the hash (length prefixes).
	a, b := base, base
	a.CorrelationID, a.CausationID = "ab", ""
	b.CorrelationID, b.CausationID = "a", "b"
	require.NotEqual(t, ComputeHash("", &a), ComputeHash("", &b))
	require.Equal(t, base.Hash, ComputeHash(base.PrevHash, &base), "position is not hashed")
}

func TestPrepareRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		stream string
		mutate func(e *EventData)
		field  string
	}{
		"empty stream":      {"", func(*EventData) {}, "stream"},
		"system stream":     {"$all", func(*EventData) {}, "stream"},
		"bad id":            {"s", func(e *EventData) { e.EventID = "nope" }, "event_id"},
		"no type":           {"s", func(e *EventData) { e.Type = "" }, "type"},
		"bad date":          {"s", func(e *EventData) { e.OccurredOn = "2025-02-30" }, "occurred_on"},
		"invalid utf8":      {"s", func(e *EventData) { e.Reason = "\xff" }, "reason"},
		"not json":          {"s", func(e *EventData) { e.Data = json.RawMessage(`{`) }, "data"},
		"oversize":          {"s", func(e *EventData) { e.Data = json.RawMessage(`"` + strings.Repeat("x", MaxDataBytes) + `"`) }, "data"},
		"schema version 0":  {"s", func(e *EventData) { e.SchemaVersion = 0 }, "schema_version"},
		"oversize metadata": {"s", func(e *EventData) { e.Actor.User = strings.Repeat("u", MaxMetadataBytes+1) }, "actor.user"},
	}
	for name, c := range cases {
		d := sample("0190b6d4-0000-7000-8000-000000000001")
		c.mutate(&d)
		_, err := Prepare(c.stream, []EventData{d})
		require.ErrorIs(t, err, ErrInvalidEvent, name)
		var ie *InvalidEventError
		require.True(t, errors.As(err, &ie), name)
		require.Equal(t, c.field, ie.Field, name)
	}
}

func TestPrepareLimitsAWholeAppend(t *testing.T) {
	big := json.RawMessage(`"` + strings.Repeat("x", MaxDataBytes-2) + `"`)
	events := make([]EventData, MaxAppendBytes/MaxDataBytes+1)
	for i := range events {
		events[i] = sample("")
		events[i].Data = big
	}
	_, err := Prepare("s", events)
	var ie *InvalidEventError
	require.True(t, errors.As(err, &ie))
	require.Equal(t, "events", ie.Field)
	_, err = Prepare("s", events[:len(events)-1])
	require.NoError(t, err, "exactly MaxAppendBytes is allowed")

	_, err = Prepare("s", nil)
	require.ErrorIs(t, err, ErrInvalidEvent)
	d := sample("0190b6d4-0000-7000-8000-000000000001")
	_, err = Prepare("s", []EventData{d, d})
	require.True(t, errors.As(err, &ie))
	require.Equal(t, "event_id", ie.Field, "an id repeated within one append")
}

func TestPrepareAssignsV7IDs(t *testing.T) {
	d := sample("")
	out, err := Prepare("s", []EventData{d, d})
	require.NoError(t, err)
	require.NotEqual(t, out[0].EventID, out[1].EventID)
	require.Equal(t, byte('7'), out[0].EventID[14], "UUID version 7")
	require.Equal(t, "", d.EventID, "caller's value untouched")
}

func TestExpectedVersionModes(t *testing.T) {
	require.True(t, Any().Satisfied(-1))
	require.True(t, NoStream().Satisfied(-1))
	require.False(t, NoStream().Satisfied(0))
	require.False(t, StreamExists().Satisfied(-1))
	require.True(t, Exact(3).Satisfied(3))
	require.False(t, Exact(3).Satisfied(2))
	require.False(t, Exact(0).Satisfied(-1))
	err := error(&WrongExpectedVersionError{Stream: "s", Expected: Exact(1), Actual: 4})
	require.ErrorIs(t, err, ErrWrongExpectedVersion)
	require.Contains(t, err.Error(), "actual version 4")
}

func FuzzRecordedAtRoundTrip(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1736157600), int64(123456789))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		ts := time.Unix(sec%(1<<34), nsec%1e9).UTC()
		s := FormatRecordedAt(ts)
		back, err := ParseRecordedAt(s)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		if FormatRecordedAt(back) != s {
			t.Fatalf("round trip %q → %q", s, FormatRecordedAt(back))
		}
	})
}

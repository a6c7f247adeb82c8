package kurrent

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/eventstore"
)

func sentEvent(n int) eventstore.EventData {
	return eventstore.EventData{EventID: uuid.NewString(), Type: "ClockPaused", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: eventstore.Actor{User: "u1", Role: "booking"}, CorrelationID: "c", CausationID: "k", Reason: "patient away",
		Data: json.RawMessage(`{"n":` + strconv.Itoa(n) + `}`)}
}

// sealed builds n chained events of one stream at positions 100, 110, 120, ...
func sealed(stream string, n int) []eventstore.Event {
	var out []eventstore.Event
	prev := ""
	for i := 0; i < n; i++ {
		d := sentEvent(i)
		e := eventstore.NewEvent(stream, uint64(i), time.Date(2025, 1, 6, 9, 0, 0, 123456789, time.UTC), &d)
		e.Position = uint64(100 + 10*i)
		eventstore.Seal(prev, &e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestMetadataRoundTripKeepsEveryFieldAndTheChain(t *testing.T) {
	evs := sealed("pathway-1", 3)
	for _, e := range evs {
		meta, err := encodeMetadata(&e)
		require.NoError(t, err)
		back, err := decodeEvent(e.Stream, e.StreamVersion, e.Position, e.Type, e.Data, meta)
		require.NoError(t, err)
		require.Equal(t, e, back)
	}
	require.True(t, eventstore.VerifyStream(evs).OK)
	require.Equal(t, "2025-01-06T09:00:00.123456Z", eventstore.FormatRecordedAt(evs[0].RecordedAt), "kept to the microsecond")
}

func TestMetadataRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := rapid.StringMatching(`[\p{L}\p{N} .,'$@"\\-]{0,40}`)
		e := eventstore.Event{
			EventID: uuid.NewString(), Stream: "pathway-" + rapid.StringMatching(`[a-z0-9-]{1,36}`).Draw(t, "stream"),
			StreamVersion: rapid.Uint64().Draw(t, "version"), Position: rapid.Uint64().Draw(t, "position"),
			Type: rapid.StringMatching(`[A-Za-z]{1,30}`).Draw(t, "type"), SchemaVersion: rapid.IntRange(1, 99).Draw(t, "schema"),
			OccurredOn: "2024-02-29", RecordedAt: time.UnixMicro(rapid.Int64Range(0, 4e15).Draw(t, "at")).UTC(),
			Actor:         eventstore.Actor{User: text.Draw(t, "user"), Role: text.Draw(t, "role")},
			CorrelationID: text.Draw(t, "corr"), CausationID: text.Draw(t, "cause"), Reason: text.Draw(t, "reason"),
			Data: json.RawMessage(`{"s":` + mustJSON(text.Draw(t, "data")) + `}`),
		}
		eventstore.Seal(rapid.StringMatching(`[0-9a-f]{0,64}`).Draw(t, "prev"), &e)
		meta, err := encodeMetadata(&e)
		require.NoError(t, err)
		back, err := decodeEvent(e.Stream, e.StreamVersion, e.Position, e.Type, e.Data, meta)
		require.NoError(t, err)
		require.Equal(t, e, back)
		require.Equal(t, e.Hash, eventstore.ComputeHash(back.PrevHash, &back), "the hash verifies after the round trip")
	})
}

func mustJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestDecodeTellsForeignFromDamaged(t *testing.T) {
	good, err := encodeMetadata(&sealed("s", 1)[0])
	require.NoError(t, err)
	cases := []struct {
		name string
		data string
		meta string
		want error
	}{
		{"no metadata", `{}`, ``, errForeign},
		{"metadata not JSON", `{}`, `not json`, errForeign},
		{"another writer's metadata", `{}`, `{"$correlationId":"x"}`, errForeign},
		{"no hash", `{}`, `{"event_id":"x"}`, errForeign},
		{"bad recorded_at", `{}`, `{"event_id":"x","hash":"h","recorded_at":"yesterday"}`, errEnvelope},
		{"wrong field type", `{}`, `{"event_id":"x","hash":"h","schema_version":"one"}`, errEnvelope},
		{"data not JSON", `{"a":`, string(good), errEnvelope},
		{"ledger event", `{"n":1}`, string(good), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeEvent("s", 0, 1, "T", []byte(c.data), []byte(c.meta))
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestServerEventIDIsDeterministicAndCoversWhatWasSent(t *testing.T) {
	d := sentEvent(1)
	id := ServerEventID("pathway-a", &d)
	again := d
	require.Equal(t, id, ServerEventID("pathway-a", &again), "a retry re-sends the same id")
	require.Equal(t, uuid.Version(5), id.Version())
	require.NotEqual(t, id, ServerEventID("pathway-b", &d), "per stream")
	changes := []func(*eventstore.EventData){
		func(e *eventstore.EventData) { e.EventID = uuid.NewString() },
		func(e *eventstore.EventData) { e.Type = "ClockResumed" },
		func(e *eventstore.EventData) { e.SchemaVersion = 2 },
		func(e *eventstore.EventData) { e.OccurredOn = "2025-01-07" },
		func(e *eventstore.EventData) { e.Actor.User = "u2" },
		func(e *eventstore.EventData) { e.Actor.Role = "validator" },
		func(e *eventstore.EventData) { e.CorrelationID = "c2" },
		func(e *eventstore.EventData) { e.CausationID = "k2" },
		func(e *eventstore.EventData) { e.Reason = "other" },
		func(e *eventstore.EventData) { e.Data = json.RawMessage(`{"n":2}`) },
		// Length prefixes: moving bytes between fields changes the id.
		func(e *eventstore.EventData) { e.CorrelationID, e.CausationID = "ck", "" },
	}
	for i, change := range changes {
		other := d
		change(&other)
		require.NotEqual(t, id, ServerEventID("pathway-a", &other), "change %d", i)
	}
}

// FuzzDecodeEvent: metadata and data come from the server (and from whoever else can
// write to it); decoding never panics and accepts only a complete envelope.
func FuzzDecodeEvent(f *testing.F) {
	e := sealed("pathway-1", 1)[0]
	meta, _ := encodeMetadata(&e)
	f.Add(meta, []byte(e.Data))
	f.Add([]byte(`{}`), []byte(`{}`))
	f.Add([]byte(`{"event_id":"a","hash":"b","recorded_at":"x"}`), []byte(`1`))
	f.Add([]byte(`{"event_id":"a","hash":"b","recorded_at":"2025-01-06T09:00:00.000001Z"}`), []byte(`[`))
	f.Add([]byte(`null`), []byte(nil))
	f.Fuzz(func(t *testing.T, meta, data []byte) {
		ev, err := decodeEvent("s", 3, 7, "T", data, meta)
		if err != nil {
			return
		}
		if ev.EventID == "" || ev.Hash == "" || !json.Valid(ev.Data) || ev.RecordedAt.Location() != time.UTC {
			t.Fatalf("accepted an incomplete envelope: %+v", ev)
		}
		if ev.Stream != "s" || ev.StreamVersion != 3 || ev.Position != 7 || ev.Type != "T" {
			t.Fatalf("store fields not taken from the server: %+v", ev)
		}
	})
}

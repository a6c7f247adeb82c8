package kurrent

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/storetest"
)

const urlEnv = "LEDGER_TEST_KURRENTDB_URL"

// TestContract runs the engine-independent suite against a real KurrentDB server.
func TestContract(t *testing.T) {
	url := os.Getenv(urlEnv)
	if url == "" {
		t.Skip("set LEDGER_TEST_KURRENTDB_URL (e.g. kurrentdb://localhost:2113?tls=false, see docker-compose.yml) to run the contract suite against KurrentDB; no server can run on CI machines")
	}
	open := func(t *testing.T) eventstore.Store {
		s, err := Open(context.Background(), url)
		require.NoError(t, err)
		return s
	}
	storetest.Run(t, storetest.Harness{
		Open: open,
		Reopen: func(t *testing.T, old eventstore.Store) eventstore.Store {
			require.NoError(t, old.Close())
			return open(t)
		},
		NoGlobalIDIndex: true,
	})
}

func TestConnectionStrings(t *testing.T) {
	cases := map[string]string{
		"kurrentdb://localhost:2113?tls=false":          "esdb://localhost:2113?tls=false",
		"kurrentdb+discover://a:2113,b:2113":            "esdb+discover://a:2113,b:2113",
		"esdb://admin:changeit@localhost:2113":          "esdb://admin:changeit@localhost:2113",
		"esdb+discover://cluster.example:2113?tls=true": "esdb+discover://cluster.example:2113?tls=true",
	}
	for in, want := range cases {
		got, err := ConnectionString(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
		require.True(t, IsURL(in))
	}
	for _, bad := range []string{"", "./data", "postgres://x", "kurrentdb://", "esdb://?tls=false"} {
		_, err := ConnectionString(bad)
		require.Error(t, err, bad)
		require.False(t, IsURL(bad))
	}
}

func sealed(t *testing.T, stream string, n int) []eventstore.Event {
	var out []eventstore.Event
	prev := ""
	for i := 0; i < n; i++ {
		d := eventstore.EventData{EventID: uuid.NewString(), Type: "T", SchemaVersion: 1, OccurredOn: "2025-01-06",
			Actor: eventstore.Actor{User: "u", Role: "booking"}, Reason: "r", Data: json.RawMessage(`{"i":1}`)}
		e := eventstore.NewEvent(stream, uint64(i), time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), &d)
		e.Position = uint64(100 + i)
		eventstore.Seal(prev, &e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestMetadataRoundTripKeepsTheHashChain(t *testing.T) {
	evs := sealed(t, "pathway-1", 3)
	for _, e := range evs {
		meta, err := encodeMetadata(&e)
		require.NoError(t, err)
		back, err := decodeEvent(e.Stream, e.StreamVersion, e.Position, e.Type, e.Data, meta)
		require.NoError(t, err)
		require.Equal(t, e, back)
	}
	require.True(t, eventstore.VerifyStream(evs).OK)
}

func TestForeignEventsAreNotLedgerEvents(t *testing.T) {
	_, err := decodeEvent("s", 0, 1, "T", []byte(`{}`), nil)
	require.ErrorIs(t, err, errNotLedger)
	_, err = decodeEvent("s", 0, 1, "T", []byte(`{}`), []byte(`{"event_id":"x"}`))
	require.ErrorIs(t, err, errNotLedger)
}

func TestServerEventIDsAreDeterministicPerStream(t *testing.T) {
	id := uuid.NewString()
	require.Equal(t, ServerEventID("pathway-a", id), ServerEventID("pathway-a", id))
	require.NotEqual(t, ServerEventID("pathway-a", id), ServerEventID("pathway-b", id))
}

func TestRetriedAppendIsRecognisedAtTheTail(t *testing.T) {
	tail := sealed(t, "pathway-1", 4)
	sent := make([]eventstore.EventData, 2)
	for i, e := range tail[2:] {
		sent[i] = eventstore.EventData{EventID: e.EventID, Type: e.Type, SchemaVersion: e.SchemaVersion,
			OccurredOn: e.OccurredOn, Actor: e.Actor, Reason: e.Reason, Data: e.Data}
	}
	res, done, err := retried(tail, "pathway-1", sent)
	require.NoError(t, err)
	require.True(t, done)
	require.Equal(t, eventstore.AppendResult{Version: 3, Position: 103}, res)

	sent[1].Data = json.RawMessage(`{"i":2}`)
	_, _, err = retried(tail, "pathway-1", sent)
	require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)

	fresh := []eventstore.EventData{{EventID: uuid.NewString()}}
	_, done, err = retried(tail, "pathway-1", fresh)
	require.NoError(t, err)
	require.False(t, done)
}

type fakeFeed struct {
	events []*esdb.SubscriptionEvent
	closed bool
}

func (f *fakeFeed) Recv() *esdb.SubscriptionEvent {
	if len(f.events) == 0 {
		return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: errors.New("dropped")}}
	}
	e := f.events[0]
	f.events = f.events[1:]
	return e
}
func (f *fakeFeed) Close() error { f.closed = true; return nil }

func appeared(t *testing.T, e eventstore.Event) *esdb.SubscriptionEvent {
	meta, err := encodeMetadata(&e)
	require.NoError(t, err)
	return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: &esdb.RecordedEvent{
		EventID: ServerEventID(e.Stream, e.EventID), EventType: e.Type, StreamID: e.Stream,
		EventNumber: e.StreamVersion, Position: esdb.Position{Commit: e.Position, Prepare: e.Position},
		Data: e.Data, UserMetadata: meta}}}
}

// After a drop the subscription reopens from the last delivered position, and events
// the new feed repeats (at or before it) are not delivered twice.
func TestSubscriptionResubscribesAfterADropWithoutGapOrDuplicate(t *testing.T) {
	evs := sealed(t, "pathway-1", 4)
	var opened []uint64
	feeds := []*fakeFeed{
		{events: []*esdb.SubscriptionEvent{appeared(t, evs[0]), appeared(t, evs[1])}},
		{events: []*esdb.SubscriptionEvent{appeared(t, evs[1]), appeared(t, evs[2]), appeared(t, evs[3])}},
	}
	sub := &subscription{backoff: time.Millisecond, open: func(_ context.Context, after uint64) (feed, error) {
		opened = append(opened, after)
		if len(opened) == 2 {
			return nil, errors.New("leader election in progress")
		}
		f := feeds[0]
		feeds = feeds[1:]
		return f, nil
	}}
	sub.after = 0
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < 4; i++ {
		e, err := sub.Recv(ctx)
		require.NoError(t, err)
		require.Equal(t, evs[i].EventID, e.EventID)
	}
	require.Equal(t, []uint64{0, 101, 101}, opened, "reopened from the last delivered position, retrying a failed open")
	require.NoError(t, sub.Close())
	_, err := sub.Recv(ctx)
	require.ErrorIs(t, err, eventstore.ErrClosed)
}

func FuzzDecodeMetadata(f *testing.F) {
	e := sealed(&testing.T{}, "pathway-1", 1)[0]
	meta, _ := encodeMetadata(&e)
	f.Add(meta)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"event_id":"a","hash":"b","recorded_at":"x"}`))
	f.Fuzz(func(t *testing.T, meta []byte) {
		ev, err := decodeEvent("s", 0, 1, "T", []byte(`{}`), meta)
		if err == nil && (ev.EventID == "" || ev.Hash == "") {
			t.Fatalf("accepted an envelope without id or hash")
		}
	})
}

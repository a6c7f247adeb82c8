// Package storetest is the contract every event store engine passes. It runs against
// a fresh embedded store or a shared server whose log already holds other events, so
// each case uses its own stream names and looks only at its own events in the global
// log; it assumes positions strictly increase, never that they are gap-free.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Harness opens the engine under test.
type Harness struct {
	// Open returns a store ready for use; the suite closes it.
	Open func(t *testing.T) eventstore.Store
	// Reopen closes s and opens the same data again; nil skips the reopen cases.
	Reopen func(t *testing.T, s eventstore.Store) eventstore.Store
	// NoGlobalIDIndex: the engine cannot look event ids up across streams
	// (KurrentDB), so reusing an id in another stream is not refused there.
	NoGlobalIDIndex bool
}

// Run runs every contract case as a subtest.
func Run(t *testing.T, h Harness) {
	cases := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"OrderingAndVersions", testOrderingAndVersions},
		{"ExpectedVersionModes", testExpectedVersionModes},
		{"RacingWriters", testRacingWriters},
		{"Idempotency", testIdempotency},
		{"SubscriptionCatchUpThenLive", testSubscription},
		{"SubscriptionResume", testSubscriptionResume},
		{"Reopen", testReopen},
		{"LargeEvents", testLargeEvents},
		{"ManyStreams", testManyStreams},
		{"ReadAllAppend", testReadAllAppend},
		{"ReadAllForFold", testReadAllForFold},
		{"MissingStream", testMissingStream},
		{"BadInput", testBadInput},
		{"HashChain", testHashChain},
		{"Closed", testClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, h) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func open(t *testing.T, h Harness) eventstore.Store {
	s := h.Open(t)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// prefix makes stream names unique to one case of one run.
func prefix() string { return "test-" + strings.ReplaceAll(uuid.NewString()[:13], "-", "") }

func ev(typ string, n int) eventstore.EventData {
	return eventstore.EventData{EventID: uuid.NewString(), Type: typ, SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: eventstore.Actor{User: "tester", Role: "admin"}, CorrelationID: "corr", Reason: "contract",
		Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"note":"contract suite"}`, n))}
}

func evs(n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = ev("Tested", i)
	}
	return out
}

// own reads the global log after a position and keeps only the streams with prefix p.
func own(t *testing.T, s eventstore.Store, after uint64, p string) []eventstore.Event {
	var out []eventstore.Event
	for {
		batch, err := s.ReadAll(ctx(t), after, 1000)
		require.NoError(t, err)
		if len(batch) == 0 {
			return out
		}
		for _, e := range batch {
			require.Greater(t, e.Position, after, "positions strictly increase")
			after = e.Position
			if strings.HasPrefix(e.Stream, p) {
				out = append(out, e)
			}
		}
	}
}

func headOf(t *testing.T, s eventstore.Store) uint64 {
	var after uint64
	for {
		batch, err := s.ReadAll(ctx(t), after, 5000)
		require.NoError(t, err)
		if len(batch) == 0 {
			return after
		}
		after = batch[len(batch)-1].Position
	}
}

package storetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Bad input is refused with an *InvalidEventError naming the field, nothing of the
// append is written (a good event beside a bad one included), and the store keeps
// working.
func testBadInput(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	cases := []struct {
		name   string
		stream string
		mutate func(e *eventstore.EventData)
		field  string
	}{
		{"empty stream name", "", func(*eventstore.EventData) {}, "stream"},
		{"oversize data", p + "-bad", func(e *eventstore.EventData) {
			e.Data = json.RawMessage(`"` + strings.Repeat("x", eventstore.MaxDataBytes) + `"`)
		}, "data"},
		{"invalid UTF-8 in reason", p + "-bad", func(e *eventstore.EventData) { e.Reason = "ok\xff\xfe" }, "reason"},
		{"invalid UTF-8 in actor", p + "-bad", func(e *eventstore.EventData) { e.Actor.User = "\xc3\x28" }, "actor.user"},
		{"malformed occurred_on", p + "-bad", func(e *eventstore.EventData) { e.OccurredOn = "06/01/2025" }, "occurred_on"},
		{"impossible occurred_on", p + "-bad", func(e *eventstore.EventData) { e.OccurredOn = "2025-02-29" }, "occurred_on"},
		{"data not JSON", p + "-bad", func(e *eventstore.EventData) { e.Data = json.RawMessage(`{"n":`) }, "data"},
		{"no data", p + "-bad", func(e *eventstore.EventData) { e.Data = nil }, "data"},
		{"no type", p + "-bad", func(e *eventstore.EventData) { e.Type = "" }, "type"},
		{"malformed event id", p + "-bad", func(e *eventstore.EventData) { e.EventID = "not-a-uuid" }, "event_id"},
	}
	for _, c := range cases {
		bad := ev("T", 0)
		c.mutate(&bad)
		_, err := s.Append(ctx(t), c.stream, eventstore.Any(), ev("T", 1), bad)
		require.ErrorIs(t, err, eventstore.ErrInvalidEvent, c.name)
		var ie *eventstore.InvalidEventError
		require.True(t, errors.As(err, &ie), c.name)
		require.Equal(t, c.field, ie.Field, c.name)
		require.NotEmpty(t, ie.Rule, c.name)
	}
	_, err := s.Append(ctx(t), p+"-bad", eventstore.Any())
	require.ErrorIs(t, err, eventstore.ErrInvalidEvent, "an append of no events")
	_, err = s.ReadStream(ctx(t), p+"-bad", 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStreamNotFound, "nothing of a refused append is written")
	_, err = s.ReadStream(ctx(t), "", 0, 0)
	require.ErrorIs(t, err, eventstore.ErrInvalidEvent, "reading an empty stream name")
	r, err := s.Append(ctx(t), p+"-good", eventstore.NoStream(), ev("T", 0))
	require.NoError(t, err, "the store works after refusals")
	require.Equal(t, uint64(0), r.Version)
}

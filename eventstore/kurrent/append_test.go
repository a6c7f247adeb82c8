package kurrent

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func dataOf(e eventstore.Event) eventstore.EventData {
	return eventstore.EventData{EventID: e.EventID, Type: e.Type, SchemaVersion: e.SchemaVersion, OccurredOn: e.OccurredOn,
		Actor: e.Actor, CorrelationID: e.CorrelationID, CausationID: e.CausationID, Reason: e.Reason, Data: e.Data}
}

func TestExpectedRevisionIsTheVersionSealedOn(t *testing.T) {
	require.Equal(t, esdb.ExpectedRevision(esdb.NoStream{}), expectedRevision(-1))
	require.Equal(t, esdb.ExpectedRevision(esdb.StreamRevision{Value: 0}), expectedRevision(0))
	require.Equal(t, esdb.ExpectedRevision(esdb.StreamRevision{Value: 41}), expectedRevision(41))
}

func TestSealContinuesTheChainWithDerivedIDs(t *testing.T) {
	stored := sealed("pathway-1", 2)
	sent := []eventstore.EventData{sentEvent(5), sentEvent(6)}
	ids := []uuid.UUID{ServerEventID("pathway-1", &sent[0]), ServerEventID("pathway-1", &sent[1])}
	at := time.Date(2025, 3, 30, 1, 30, 0, 999, time.UTC)
	out, err := seal("pathway-1", 1, stored[1].Hash, sent, ids, at)
	require.NoError(t, err)
	require.Len(t, out, 2)
	chain := append([]eventstore.Event{}, stored...)
	for i, d := range out {
		require.Equal(t, ids[i], d.EventID)
		require.Equal(t, esdb.ContentTypeJson, d.ContentType)
		e, err := decodeEvent("pathway-1", uint64(2+i), uint64(500+i), d.EventType, d.Data, d.Metadata)
		require.NoError(t, err)
		require.True(t, eventstore.SameContent(&e, &sent[i]))
		require.Equal(t, at.Truncate(time.Microsecond), e.RecordedAt)
		chain = append(chain, e)
	}
	rep := eventstore.VerifyStream(chain)
	require.True(t, rep.OK, "%v", rep.Failures)
}

func TestLocateAndMatchARetriedBatch(t *testing.T) {
	stream := sealed("pathway-1", 6) // versions 0..5, positions 100..150
	data := func(i int) eventstore.EventData { return dataOf(stream[i]) }
	other := func(d eventstore.EventData) eventstore.EventData {
		d.Data = json.RawMessage(`{"other":true}`)
		return d
	}
	cases := []struct {
		name     string
		tail     []eventstore.Event // what the append read
		sent     []eventstore.EventData
		found    bool
		start    uint64
		conflict bool
		result   eventstore.AppendResult
	}{
		{"fresh batch", stream, []eventstore.EventData{sentEvent(9)}, false, 0, false, eventstore.AppendResult{}},
		{"whole batch at the end", stream, []eventstore.EventData{data(4), data(5)}, true, 4, false, eventstore.AppendResult{Version: 5, Position: 150}},
		{"batch in the middle", stream, []eventstore.EventData{data(1), data(2)}, true, 1, false, eventstore.AppendResult{Version: 2, Position: 120}},
		{"window starts inside the batch", stream[3:], []eventstore.EventData{data(2), data(3), data(4)}, true, 2, false, eventstore.AppendResult{Version: 4, Position: 140}},
		{"same id, other content", stream, []eventstore.EventData{data(4), other(data(5))}, true, 4, true, eventstore.AppendResult{}},
		{"stored id in another place", stream, []eventstore.EventData{sentEvent(9), data(3)}, true, 2, true, eventstore.AppendResult{}},
		{"batch longer than what is stored", stream, []eventstore.EventData{data(5), sentEvent(9)}, true, 5, true, eventstore.AppendResult{}},
		{"id too early for its place", stream, []eventstore.EventData{sentEvent(8), sentEvent(9), data(1)}, true, 0, true, eventstore.AppendResult{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, found, err := locate(c.tail, c.sent)
			require.Equal(t, c.found, found)
			if !found {
				require.NoError(t, err)
				return
			}
			if err != nil {
				require.True(t, c.conflict)
				require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)
				return
			}
			require.Equal(t, c.start, start)
			stored := covering(stream, start, len(c.sent))
			if stored == nil {
				stored = stream[start:]
			}
			res, err := match("pathway-1", stored, c.sent)
			if c.conflict {
				require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.result, res)
		})
	}
}

func TestCoveringOnlyAnswersFromWhatWasRead(t *testing.T) {
	evs := sealed("pathway-1", 6)[2:] // versions 2..5
	require.Nil(t, covering(evs, 1, 2), "starts before the window")
	require.Nil(t, covering(evs, 4, 3), "runs past the end")
	require.Nil(t, covering(nil, 0, 1))
	got := covering(evs, 3, 2)
	require.Len(t, got, 2)
	require.Equal(t, uint64(3), got[0].StreamVersion)
}

func TestHeadOfAStream(t *testing.T) {
	v, h := head(nil)
	require.Equal(t, int64(-1), v)
	require.Equal(t, "", h)
	evs := sealed("pathway-1", 3)
	v, h = head(evs)
	require.Equal(t, int64(2), v)
	require.Equal(t, evs[2].Hash, h)
}

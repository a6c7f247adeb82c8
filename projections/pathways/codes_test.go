package pathways

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

func TestCodeTableNumbersEachValueOnceAndRefusesOverflow(t *testing.T) {
	tb := newTable[uint8]("test")
	for i := range 256 {
		require.Equal(t, uint8(i), tb.of(fmt.Sprint(i)))
	}
	require.Equal(t, uint8(7), tb.of("7"), "a known value keeps its number")
	require.Equal(t, "255", tb.name(255))
	require.PanicsWithValue(t, "pathways: more than 256 distinct test codes", func() { tb.of("one too many") })
}

func TestNewCodesReserveZeroForNoListType(t *testing.T) {
	c := newCodes()
	require.Equal(t, uint8(0), c.small.of(""))
	require.Equal(t, uint8(1), c.small.of("inpatient"))
}

func TestRoomCountsOnlyNewDistinctValuesAndOnlyNearTheLimit(t *testing.T) {
	tb := newTable[uint8]("test")
	for i := range 254 {
		tb.of(fmt.Sprint(i))
	}
	require.NoError(t, tb.room("a", "b"), "two new values fill the table exactly")
	require.NoError(t, tb.room("1", "2", "a", "a", "b"), "known and repeated values take no room")
	require.ErrorIs(t, tb.room("a", "b", "c"), errTableFull)
	wide := newTable[uint16]("wide")
	wide.of("x")
	require.NoError(t, wide.room("y", "z"))
}

// A log written around Decide and the import (a third-party writer on the shared
// store, say) can carry more distinct codes than a table numbers: the model refuses
// the event that would overflow, before changing anything, instead of crashing
// the server that folds it; everything before it stays answerable.
func TestAnEventWithACodeTheTableCannotNumberIsRefusedNotAPanic(t *testing.T) {
	m := New()
	var evs []eventstore.Event
	add := func(id string, v uint64, e pathway.Event) {
		typ, data, err := pathway.Encode(e)
		require.NoError(t, err)
		evs = append(evs, eventstore.Event{EventID: fmt.Sprintf("%s-%d", id, v), Stream: StreamPrefix + id, StreamVersion: v,
			Position: uint64(len(evs) + 1), Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: e.On().String(),
			RecordedAt: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC), Data: data})
	}
	for i := range 300 {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		add(id, 0, pathway.ReferralReceived{PathwayID: id, Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110",
			ReceivedOn: d("2025-01-06"), ClockStartOn: d("2025-01-06"), ReferralPriority: "routine", Source: "gp"})
		add(id, 1, pathway.ClockStopped{StoppedOn: d("2025-02-03"), Status: fmt.Sprintf("S%03d", i)})
	}
	var applied int
	var err error
	for from := 0; from < len(evs) && err == nil; from += 64 {
		var n int
		n, err = m.ApplyBatch(evs[from:min(from+64, len(evs))])
		applied += n
	}
	require.ErrorIs(t, err, errTableFull)
	require.ErrorContains(t, err, "more than 256 distinct stop status codes")
	// "" (a running period) and 255 statuses fill the table: the 256th stop is refused.
	require.Equal(t, 2*255+1, applied, "every event before the refused one applied")
	refused := evs[applied]
	require.Equal(t, "ClockStopped", refused.Type)
	st, ok, err := m.Pathway(refused.Stream[len(StreamPrefix):])
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, st.Periods[0].Stopped, "the refused stop changed nothing")
	require.Equal(t, 256, m.Report(d("2025-01-31")).NewPeriods, "the model still answers for what it applied")
}

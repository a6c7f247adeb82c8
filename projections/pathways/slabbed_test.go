package pathways

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/race"
)

// Every pathway event type a slab decodes, the slabbed fold knows: a type missing
// from its switch would refuse the log.
func TestSlabbedKnowsEveryType(t *testing.T) {
	f := newFeed(t)
	f.do("P-1", refer("P-1", "110", "2025-01-06"))
	var sl pathway.Slab
	for i, typ := range pathway.EventTypes() {
		p, err := sl.Decode(typ, pathway.SchemaVersion, []byte(`{}`))
		require.NoError(t, err, typ)
		r := pathway.Recorded{EventID: typ, StreamVersion: uint64(2 + i)}
		f.m.mu.Lock()
		err = f.m.applySlabbed("P-1", uint64(2+i), p, r)
		f.m.mu.Unlock()
		require.NotErrorIs(t, err, errNotSlabbed, typ)
	}
	require.ErrorIs(t, f.m.applySlabbed("P-1", 99, &struct{}{}, pathway.Recorded{}), errNotSlabbed)
}

// Folding an event from a slab boxes it on the folding goroutine's stack: a
// follow-up activity for a pathway being loaded allocates nothing at all.
func TestSlabbedFoldAllocatesNoBox(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates for itself")
	}
	f := newFeed(t)
	referNumbered(f, 0)
	followUp(f, 0, 0) // the period's first activity, which changes its periods, is past
	m := f.m
	m.BeginBulk()
	var sl pathway.Slab
	data := json.RawMessage(`{"occurred_on":"2025-03-01","kind":"outpatient_follow_up","rtt_status":"20","attendance":"attended"}`)
	evs := []eventstore.Event{{Stream: StreamPrefix + "P-000", Type: "ActivityRecorded", SchemaVersion: pathway.SchemaVersion, Data: data}}
	out := make([]decoded, 1)
	v := uint64(f.state["P-000"].Version)
	allocs := testing.AllocsPerRun(100, func() {
		sl.Reset()
		v++
		evs[0].StreamVersion, evs[0].Position = v, v+1000
		out[0] = decodeInto(&sl, &evs[0])
		if _, err := m.foldRun(evs, out, 0, false); err != nil {
			panic(err)
		}
	})
	require.Zero(t, allocs)
	s, ok, err := m.Pathway("P-000")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, d("2025-03-01"), s.LastActivityOn, "the activities were folded")
}

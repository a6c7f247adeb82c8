package booking_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/race"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/rtt"
)

// A pathway booking event costs the tracker the strings decoded from it and
// nothing more: the event itself is decoded into the tracker's slab, not boxed.
func TestAPathwayBookingEventAllocatesOnlyItsStrings(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates for itself")
	}
	e := pathway.AdmissionBooked{BookingID: "b-1", AdmissionOn: rtt.MustParseDate("2026-12-07"), SessionID: s1,
		BookedOn: rtt.MustParseDate("2026-11-20")}
	typ, data, err := pathway.Encode(e)
	require.NoError(t, err)
	ev := eventstore.Event{Stream: "pathway-" + pw1, Type: typ, SchemaVersion: pathway.SchemaVersion, Data: data}
	var sl pathway.Slab
	decoding := testing.AllocsPerRun(100, func() {
		sl.Reset()
		if _, err := sl.Decode(typ, pathway.SchemaVersion, data); err != nil {
			panic(err)
		}
	})
	tr := booking.NewTracker()
	applying := testing.AllocsPerRun(100, func() {
		if err := tr.Apply(ev); err != nil {
			panic(err)
		}
	})
	require.Positive(t, decoding, "the ids are strings of their own")
	require.Equal(t, decoding, applying)
}

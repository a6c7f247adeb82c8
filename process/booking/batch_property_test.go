package booking_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections/sessions"
)

// batchApplier is what a replay feeds pages to.
type batchApplier interface {
	Apply(eventstore.Event) error
	ApplyBatch([]eventstore.Event) (int, error)
}

// feedPages gives log to p in pages cut where rapid says, skipping an event
// ApplyBatch refuses and going on after it, as feeding events one at a time and
// logging refusals does.
func feedPages(t *rapid.T, p batchApplier, log []eventstore.Event) (refused []uint64) {
	for len(log) > 0 {
		n := rapid.IntRange(1, len(log)).Draw(t, "page")
		page := log[:n]
		for len(page) > 0 {
			done, err := p.ApplyBatch(page)
			if err == nil {
				require.Equal(t, len(page), done)
				break
			}
			refused = append(refused, page[done].Position)
			page = page[done+1:]
		}
		log = log[n:]
	}
	return refused
}

// The sessions model and the booking tracker fold a log given in pages exactly as
// event by event: the same refusals, sessions and owed work. Most of the log is
// other pathway events, which ApplyBatch passes over.
func TestPropertyBatchesFoldAsEventByEvent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		versions := map[string]uint64{}
		var log []eventstore.Event
		for range rapid.IntRange(1, 60).Draw(t, "events") {
			var stream, typ string
			var data []byte
			var err error
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0:
				stream, typ, data, err = bookingEvent(t)
			case 1:
				stream = "pathway-p9"
				typ, data, err = pathway.Encode(pathway.ActivityRecorded{OccurredOn: robustEpoch, Kind: "outpatient_first", RTTStatus: "20", Attendance: "attended"})
			default:
				sid := rapid.SampledFrom([]string{"s1", "s2"}).Draw(t, "session")
				stream = "session-" + sid
				typ, data, err = session.Encode(sessionEvent(t, sid))
			}
			require.NoError(t, err)
			at = at.Add(time.Minute)
			log = appendEvent(log, versions, at, stream, typ, data)
		}
		for _, pair := range [][2]batchApplier{{sessions.New(), sessions.New()}, {booking.NewTracker(), booking.NewTracker()}} {
			one, paged := pair[0], pair[1]
			var want []uint64
			for _, ev := range log {
				if one.Apply(ev) != nil {
					want = append(want, ev.Position)
				}
			}
			require.Equal(t, want, feedPages(t, paged, log), "refused positions")
			switch a := one.(type) {
			case *sessions.ReadModel:
				b := paged.(*sessions.ReadModel)
				for _, sid := range []string{"s1", "s2"} {
					wantS, wantOK := a.Get(sid)
					gotS, gotOK := b.Get(sid)
					require.Equal(t, wantOK, gotOK, sid)
					require.Equal(t, fmt.Sprintf("%+v", wantS), fmt.Sprintf("%+v", gotS), sid)
				}
			case *booking.Tracker:
				require.Equal(t, a.Pending(), paged.(*booking.Tracker).Pending())
			}
		}
	})
}

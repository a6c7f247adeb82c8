package pathways

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// readBatch is the ReadAll page BuildAsOf reads.
const readBatch = 4096

// BuildAsOf builds a fresh model from the events recorded at or before asOf: what
// the ledger knew at that instant, to reproduce a return exactly as submitted. The
// whole log is read: positions order appends, and a clock stepping back must not
// hide an event recorded before asOf behind one recorded after it.
func BuildAsOf(ctx context.Context, r eventstore.Reader, asOf time.Time) (*ReadModel, error) {
	return buildAsOf(ctx, r, &asOf, recentCap, nil)
}

// Build builds a fresh model from the whole log: what offline exports run on.
func Build(ctx context.Context, r eventstore.Reader) (*ReadModel, error) {
	return buildAsOf(ctx, r, nil, recentCap, nil)
}

// BuildReporting is Build (asOf nil) or BuildAsOf, calling progress with the
// position of each page's last event once the page is folded: how far through the
// log the build is, for a batch job to pace its collector by.
func BuildReporting(ctx context.Context, r eventstore.Reader, asOf *time.Time, progress func(position uint64)) (*ReadModel, error) {
	return buildAsOf(ctx, r, asOf, recentCap, progress)
}

func buildAsOf(ctx context.Context, r eventstore.Reader, asOf *time.Time, recent int, progress func(uint64)) (*ReadModel, error) {
	// A pathway re-read from the log is re-read as known at asOf too.
	keep := func(ev *eventstore.Event) bool { return asOf == nil || !ev.RecordedAt.After(*asOf) }
	m := New(WithLoader(storeLoader(r, keep)))
	m.recentCap = recent
	m.bulk = true // nothing reads the model before Settle below
	// The model folds events without looking at their hash chain.
	pages, stop := eventstore.ReadAheadForFold(ctx, r, 0, readBatch)
	defer stop()
	for pg := range pages {
		if pg.Err != nil {
			return nil, pg.Err
		}
		if len(pg.Events) == 0 {
			break
		}
		last := pg.Events[len(pg.Events)-1].Position
		// The page is ours: what was recorded after asOf is dropped in place.
		evs := slices.DeleteFunc(pg.Events, func(ev eventstore.Event) bool { return !keep(&ev) })
		if n, err := m.ApplyBatch(evs); err != nil {
			ev := &evs[n]
			return nil, fmt.Errorf("pathways: event %s (%s) at position %d: %w", ev.EventID, ev.Type, ev.Position, err)
		}
		pg.Recycle()
		if progress != nil {
			progress(last)
		}
	}
	m.Settle()
	return m, nil
}

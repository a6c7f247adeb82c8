package eventstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// pagedLog serves positions 1..n in ReadAll pages, failing once fail is set.
type pagedLog struct {
	n    uint64
	fail error
}

func (l *pagedLog) ReadStream(context.Context, string, uint64, int) ([]eventstore.Event, error) {
	return nil, eventstore.ErrStreamNotFound
}

func (l *pagedLog) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if l.fail != nil && after > 0 {
		return nil, l.fail
	}
	var out []eventstore.Event
	for p := after + 1; p <= l.n && len(out) < limit; p++ {
		out = append(out, eventstore.Event{Position: p})
	}
	return out, nil
}

func TestReadAheadDeliversEveryPositionOnceThenAnEmptyPage(t *testing.T) {
	pages, stop := eventstore.ReadAhead(context.Background(), &pagedLog{n: 10}, 3, 4)
	defer stop()
	var got []uint64
	var last eventstore.Page
	for pg := range pages {
		require.NoError(t, pg.Err)
		for _, e := range pg.Events {
			got = append(got, e.Position)
		}
		last = pg
	}
	require.Equal(t, []uint64{4, 5, 6, 7, 8, 9, 10}, got)
	require.Empty(t, last.Events, "the head of the log is an empty page")
}

func TestReadAheadEndsWithTheErrorThatStoppedIt(t *testing.T) {
	boom := errors.New("disk gone")
	pages, stop := eventstore.ReadAhead(context.Background(), &pagedLog{n: 100, fail: boom}, 0, 10)
	defer stop()
	var last eventstore.Page
	for pg := range pages {
		last = pg
	}
	require.ErrorIs(t, last.Err, boom)
}

func TestReadAheadReportsACancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pages, stop := eventstore.ReadAhead(ctx, &pagedLog{n: 100}, 0, 10)
	defer stop()
	pg, ok := <-pages
	require.True(t, ok)
	require.ErrorIs(t, pg.Err, context.Canceled, "a cancelled read ends in its error, never in silence")
}

func TestReadAheadStopEndsAnUnfinishedRead(t *testing.T) {
	pages, stop := eventstore.ReadAhead(context.Background(), &pagedLog{n: 1 << 20}, 0, 1)
	<-pages
	stop()
	for range pages {
	}
}

// appendingLog is a pagedLog that reads into the caller's pages and counts the
// pages it had to allocate.
type appendingLog struct {
	pagedLog
	allocated int
}

func (l *appendingLog) ReadAllAppend(ctx context.Context, after uint64, limit int, dst []eventstore.Event) ([]eventstore.Event, error) {
	evs, err := l.ReadAll(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	if cap(dst)-len(dst) < len(evs) {
		l.allocated++
	}
	return append(dst, evs...), nil
}

func TestReadAheadReadsIntoRecycledPages(t *testing.T) {
	log := &appendingLog{pagedLog: pagedLog{n: 1000}}
	pages, stop := eventstore.ReadAhead(context.Background(), log, 0, 10)
	defer stop()
	var got []uint64
	for pg := range pages {
		require.NoError(t, pg.Err)
		for _, e := range pg.Events {
			got = append(got, e.Position)
		}
		pg.Recycle()
	}
	require.Len(t, got, 1000)
	for i, p := range got {
		require.Equal(t, uint64(i+1), p)
	}
	// 101 reads (the last one empty); only the pages in flight at once are new.
	require.LessOrEqual(t, log.allocated, 5, "pages are read into again once recycled")
}

func TestReadAheadAllocatesEachPageWhenNoneIsRecycled(t *testing.T) {
	log := &appendingLog{pagedLog: pagedLog{n: 100}}
	pages, stop := eventstore.ReadAhead(context.Background(), log, 0, 10)
	defer stop()
	held := map[*eventstore.Event]bool{}
	for pg := range pages {
		if len(pg.Events) > 0 {
			require.False(t, held[&pg.Events[0]], "a page still held was read into")
			held[&pg.Events[0]] = true
		}
	}
	require.Len(t, held, 10)
}

// A page is the consumer's once received: it may filter it in place, zeroing what
// it drops (slices.DeleteFunc does), as an as-of build does. The read-ahead must
// have taken where to read next before handing the page over; reading it
// afterwards raced with the consumer, and a zeroed last event sent it back to
// position 0 again and again (an as-of return that never finished).
func TestReadAheadNeverReadsAPageItHandedOver(t *testing.T) {
	log := &appendingLog{pagedLog: pagedLog{n: 200}}
	pages, stop := eventstore.ReadAhead(context.Background(), log, 0, 10)
	defer stop()
	var got []uint64
	for pg := range pages {
		require.NoError(t, pg.Err)
		if len(pg.Events) == 0 {
			break
		}
		for _, e := range pg.Events {
			got = append(got, e.Position)
		}
		clear(pg.Events)
		pg.Recycle()
		require.LessOrEqual(t, len(got), 200, "no position is read twice")
	}
	require.Len(t, got, 200)
}

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

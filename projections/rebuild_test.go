package projections

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

// A rebuild replays the log from position 0 into the detached projection, page
// after page, while the feed goes on with events appended meanwhile, then hands it
// back: every event once, in order (the counter refuses a repeat), and the same
// state as a fresh fold of the whole log. The other projection never stops.
func TestRebuildAcrossPagesWhileTheLogGrows(t *testing.T) {
	s := memstore.New()
	fill(t, s, 5_000, 23)
	a, b := newCounter("a"), newCounter("b")
	r, _ := start(t, s, t.TempDir(), Options{BatchSize: 256}, a, b)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 300 {
			_, err := s.Append(context.Background(), "live-"+strconv.Itoa(i%3), eventstore.Any(), evData("Live", i))
			assert.NoError(t, err)
		}
	}()
	require.NoError(t, r.Rebuild(testCtx(t), "a"))
	wg.Wait()
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	want := expected(t, s)
	require.Equal(t, want, a.state())
	require.Equal(t, want, b.state())
	require.Equal(t, uint64(5_300), want.Events)
}

// An event the projection refuses while it is being rebuilt stops the runner on
// that event, as it would on the live feed: the rebuild reports it.
func TestPoisonEventDuringARebuildStopsTheRunner(t *testing.T) {
	s := memstore.New()
	fill(t, s, 2_000, 7)
	a := newCounter("a")
	r, _ := start(t, s, t.TempDir(), Options{BatchSize: 128}, a)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))

	a.mu.Lock()
	a.poison = 1_500
	a.mu.Unlock()
	err := r.Rebuild(testCtx(t), "a")
	var aerr *ApplyError
	require.ErrorAs(t, err, &aerr)
	require.Equal(t, "a", aerr.Projection)
	require.Equal(t, uint64(1_500), aerr.Position)
	require.Equal(t, uint64(1_499), a.state().Last, "the events before it applied, the poison one not skipped")
	require.ErrorIs(t, r.WaitFor(testCtx(t), 1), ErrStopped)
}

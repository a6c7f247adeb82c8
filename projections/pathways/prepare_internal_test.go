package pathways

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// A fill decodes no more than runsAhead runs ahead of a fold that does not come,
// and returns once cancelled: what a stopped replay relies on.
func TestFillWaitsForTheFoldAndStopsWhenCancelled(t *testing.T) {
	evs := dateOrdered(t, (runsAhead+3)*batchRun, 0).log
	m := New()
	pv, fill := m.Prepare(evs)
	p := pv.(*prepared)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		fill(ctx)
	}()
	for len(p.ready) < runsAhead {
		select {
		case <-done:
			t.Fatal("the fill returned before it was cancelled")
		default:
		}
	}
	cancel()
	<-done
	require.Len(t, p.ready, runsAhead, "runs decoded ahead of a fold that never came")
	require.NotEmpty(t, p.out[runsAhead*batchRun-1].id)
	require.Empty(t, p.out[runsAhead*batchRun].id, "the next run is not decoded")
}

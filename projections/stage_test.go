package projections

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

// preparingCounter is a counter whose pages are prepared apart from the fold, as
// the pathways model's are: fill makes an entry per event, at most two ahead of the
// fold, which gives a credit back as it applies each; a fold that stops leaves fill
// waiting, as the model's does.
type preparingCounter struct {
	*counter
	prepares, applied, batches atomic.Int64
	fills                      atomic.Int64 // fills running now
}

type toyPrepared struct {
	positions     []uint64
	ready, credit chan struct{}
}

const toyAhead = 2

func (c *preparingCounter) Prepare(evs []eventstore.Event) (Prepared, func(context.Context)) {
	c.prepares.Add(1)
	p := &toyPrepared{positions: make([]uint64, len(evs)),
		ready: make(chan struct{}, len(evs)), credit: make(chan struct{}, len(evs)+toyAhead)}
	for range toyAhead {
		p.credit <- struct{}{}
	}
	return p, func(ctx context.Context) {
		c.fills.Add(1)
		defer c.fills.Add(-1)
		for i := range evs {
			select {
			case <-p.credit:
			case <-ctx.Done():
				return
			}
			p.positions[i] = evs[i].Position
			p.ready <- struct{}{}
		}
	}
}

func (c *preparingCounter) ApplyPrepared(evs []eventstore.Event, pv Prepared) (int, error) {
	c.applied.Add(1)
	p := pv.(*toyPrepared)
	if len(p.positions) != len(evs) {
		return 0, fmt.Errorf("prepared %d events for a page of %d", len(p.positions), len(evs))
	}
	for i := range evs {
		<-p.ready
		if p.positions[i] != evs[i].Position {
			return i, fmt.Errorf("prepared the event at %d for the one at %d", p.positions[i], evs[i].Position)
		}
		if err := c.Apply(evs[i]); err != nil {
			return i, err
		}
		p.credit <- struct{}{}
	}
	return len(evs), nil
}

func (c *preparingCounter) ApplyBatch(evs []eventstore.Event) (int, error) {
	c.batches.Add(1)
	for i := range evs {
		if err := c.Apply(evs[i]); err != nil {
			return i, err
		}
	}
	return len(evs), nil
}

var _ Preparer = (*preparingCounter)(nil)

// waitGoroutines fails the test unless the goroutines are back to before within a
// couple of seconds: a stage left waiting would hold a projection for ever.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "no stage, fill or read-ahead goroutine left running")
}

// A replay prepares every page of a Preparer apart from its fold and applies what
// it prepared; the projections beside it fold the same log.
func TestReplayFoldsPreparedPages(t *testing.T) {
	s := memstore.New()
	fill(t, s, 3*ReplayBatch+5, 7)
	want := expected(t, s)
	before := runtime.NumGoroutine()
	first := &preparingCounter{counter: newCounter("first")}
	b, c := newCounter("b"), &batchCounter{counter: newCounter("c")}
	st, err := Replay(context.Background(), s, t.TempDir(), nil, first, b, c)
	require.NoError(t, err)
	require.EqualValues(t, 3*ReplayBatch+5, st.Events)
	require.Equal(t, want, first.state())
	require.Equal(t, want, b.state())
	require.Equal(t, want, c.state())
	require.EqualValues(t, 4, first.prepares.Load(), "one Prepare a page")
	require.EqualValues(t, 4, first.applied.Load(), "every page applied as prepared")
	require.Zero(t, first.batches.Load(), "no page decoded twice")
	require.EqualValues(t, 4, c.batches.Load(), "the others take whole pages")
	waitGoroutines(t, before)
}

// A replay cancelled while a Preparer's pages are in flight stops with the
// cancellation, writes no snapshot, and leaves nothing running.
func TestReplayWithAPreparerCancelled(t *testing.T) {
	s := memstore.New()
	fill(t, s, 4*ReplayBatch, 5)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := &preparingCounter{counter: newCounter("a")}
	a.onApply = func(ev eventstore.Event) {
		if ev.Position == ReplayBatch+100 {
			cancel()
		}
	}
	dir := t.TempDir()
	_, err := Replay(ctx, s, dir, nil, a, newCounter("b"))
	require.ErrorIs(t, err, context.Canceled)
	_, statErr := os.Stat(filepath.Join(dir, SnapshotFolder, "a.snap"))
	require.ErrorIs(t, statErr, os.ErrNotExist)
	waitGoroutines(t, before)
}

func TestReplayOfNoProjectionIsRefused(t *testing.T) {
	s := memstore.New()
	fill(t, s, 10, 2)
	_, err := Replay(context.Background(), s, "", nil)
	require.ErrorContains(t, err, "needs a projection")
}

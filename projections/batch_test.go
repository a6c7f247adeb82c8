package projections

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/race"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

// batchCounter is the toy projection taking batches: each goes through Apply, so
// the counter's own order check catches any event given twice or out of order.
type batchCounter struct {
	*counter
	batches atomic.Int64
	// short makes ApplyBatch stop early without saying why (a broken projection).
	short bool
}

func (c *batchCounter) ApplyBatch(evs []eventstore.Event) (int, error) {
	c.batches.Add(1)
	if c.short && len(evs) > 1 {
		return len(evs) - 1, nil
	}
	for i := range evs {
		if err := c.Apply(evs[i]); err != nil {
			return i, err
		}
	}
	return len(evs), nil
}

func TestRunnerFeedsBatchesToABatchApplier(t *testing.T) {
	s := memstore.New()
	fill(t, s, 600, 5)
	batched, single := &batchCounter{counter: newCounter("batched")}, newCounter("single")
	r, _ := start(t, s, t.TempDir(), Options{BatchSize: 128}, batched, single)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	want := expected(t, s)
	require.Equal(t, want, batched.state())
	require.Equal(t, want, single.state())
	require.Equal(t, uint64(600), batched.applyCalls(), "each event once")
	require.GreaterOrEqual(t, batched.batches.Load(), int64(600/128), "the runner gave whole pages")
	require.Less(t, batched.batches.Load(), int64(600), "not an event at a time")

	st, err := Replay(context.Background(), s, "", nil, &batchCounter{counter: newCounter("replayed")})
	require.NoError(t, err)
	require.Equal(t, uint64(600), st.Events)
	require.NoError(t, r.Close())
}

func TestPoisonEventInABatchStopsTheRunnerOnIt(t *testing.T) {
	s := memstore.New()
	fill(t, s, 200, 4)
	bad := &batchCounter{counter: newCounter("bad")}
	bad.poison = 120
	r, _ := start(t, s, "", Options{BatchSize: 50}, newCounter("good"), bad)
	aerr := stoppedOn(t, r)
	require.Equal(t, "bad", aerr.Projection)
	require.Equal(t, uint64(120), aerr.Position)
	require.Equal(t, uint64(119), bad.state().Last, "the events before the poison one are in, it is not")
	require.NoError(t, r.Close())
}

func TestFeedRefusesABatchCutShortWithoutAReason(t *testing.T) {
	evs := []eventstore.Event{{Position: 1, EventID: "e1", Type: "T"}, {Position: 2, EventID: "e2", Type: "T"}, {Position: 3, EventID: "e3", Type: "T"}}
	c := &batchCounter{counter: newCounter("short"), short: true}
	slots := newSlots([]Projection{c})
	n, err := feed(slots, evs, 10)
	var aerr *ApplyError
	require.True(t, errors.As(err, &aerr), "got %v", err)
	require.Equal(t, uint64(3), aerr.Position, "the first event not applied")
	require.ErrorContains(t, err, "gave no reason")
	require.Equal(t, 2, n)
	require.Equal(t, uint64(2), slots[0].cursor)
	require.True(t, slots[0].failed)
}

func TestFeedStopsAtUpToAndSkipsWhatASlotHolds(t *testing.T) {
	var evs []eventstore.Event
	for p := uint64(1); p <= 6; p++ {
		evs = append(evs, eventstore.Event{Position: p, EventID: "e", Stream: "s", Type: "T"})
	}
	ahead, behind := &batchCounter{counter: newCounter("ahead")}, newCounter("behind")
	slots := newSlots([]Projection{ahead, behind})
	for _, ev := range evs[:3] {
		require.NoError(t, ahead.Apply(ev))
	}
	slots[0].cursor = 3
	n, err := feed(slots, evs, 5)
	require.NoError(t, err)
	require.Equal(t, 5, n)
	require.Equal(t, uint64(5), slots[0].cursor)
	require.Equal(t, uint64(5), slots[1].cursor)
	require.Equal(t, uint64(5), ahead.state().Events)
	require.Equal(t, uint64(5), behind.state().Events)
	require.Equal(t, uint64(5), ahead.applyCalls(), "positions 1-3 were not given again")
}

// stoppedOn waits for r to stop on a refused event and returns the refusal.
func stoppedOn(t *testing.T, r *Runner) *ApplyError {
	t.Helper()
	select {
	case <-r.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("runner did not stop")
	}
	var aerr *ApplyError
	require.ErrorAs(t, r.Err(), &aerr)
	return aerr
}

// The feed is the runner's whole per-event cost: it allocates nothing, for
// projections that take events one at a time or in batches.
func TestFeedAllocatesNothing(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates on its own account")
	}
	evs := make([]eventstore.Event, 512)
	for i := range evs {
		evs[i] = eventstore.Event{Position: uint64(i + 1), EventID: "e", Stream: "s", Type: "T"}
	}
	one, many := &rawProjection{name: "one"}, &batchRaw{rawProjection{name: "many"}}
	slots := newSlots([]Projection{one, many})
	allocs := testing.AllocsPerRun(50, func() {
		slots[0].cursor, slots[1].cursor = 0, 100
		if n, err := feed(slots, evs, 400); err != nil || n != 400 {
			t.Fatal(n, err)
		}
	})
	require.Zero(t, allocs)
	require.Equal(t, uint64(400), slots[1].cursor)
}

type batchRaw struct{ rawProjection }

func (p *batchRaw) ApplyBatch(evs []eventstore.Event) (int, error) { return len(evs), nil }

// settling counts the Settle calls a projection gets.
type settling struct {
	*counter
	settles atomic.Int64
}

func (s *settling) Settle() { s.settles.Add(1) }

func TestRunnerAndReplaySettleProjectionsOnceCaughtUp(t *testing.T) {
	s := memstore.New()
	fill(t, s, 300, 3)
	p := &settling{counter: newCounter("settling")}
	st, err := Replay(context.Background(), s, t.TempDir(), nil, p)
	require.NoError(t, err)
	require.Equal(t, uint64(300), st.Events)
	require.Equal(t, int64(1), p.settles.Load(), "replay settles before it writes snapshots")

	live := &settling{counter: newCounter("live")}
	r, _ := start(t, s, "", Options{BatchSize: 64}, live)
	require.NoError(t, r.Ready(testCtx(t)))
	require.GreaterOrEqual(t, live.settles.Load(), int64(1), "the runner settles once it has caught up")
	require.Equal(t, uint64(300), live.state().Events)
	require.Eventually(t, func() bool { return r.Status().Phase == "live" }, 10*time.Second, time.Millisecond)
	before := live.settles.Load()
	res, err := s.Append(context.Background(), "pathway-live", eventstore.Any(), evData("Referred", 100_000))
	require.NoError(t, err)
	require.NoError(t, r.WaitFor(testCtx(t), res.Position))
	require.Eventually(t, func() bool { return live.settles.Load() > before }, 10*time.Second, time.Millisecond,
		"a batch of the live tail is followed by a settle")
	require.Equal(t, uint64(301), live.state().Events)
	require.NoError(t, r.Close())
}

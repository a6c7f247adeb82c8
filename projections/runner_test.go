package projections

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

func TestNewRunnerRejectsBadNames(t *testing.T) {
	s := memstore.New()
	for _, name := range []string{"", "A", "-x", "a/b", "../x", "a.snap", string(make([]byte, 65))} {
		_, err := NewRunner(s, t.TempDir(), nil, newCounter(name))
		assert.Error(t, err, "name %q", name)
	}
	_, err := NewRunner(s, t.TempDir(), nil, newCounter("a"), newCounter("a"))
	require.ErrorContains(t, err, "used twice")
	_, err = NewRunner(s, t.TempDir(), nil, newCounter("rtt-report_2"))
	require.NoError(t, err)
}

func TestCatchUpInBatchesThenLive(t *testing.T) {
	s := memstore.New(memstore.WithPositionStep(3))
	fill(t, s, 10_000, 37)
	a, b := newCounter("a"), newCounter("b")
	r, _ := start(t, s, t.TempDir(), Options{BatchSize: 512}, a, b)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.LessOrEqual(t, s.Reads(), uint64(10_000/512+4), "catch-up reads in batches, not per event")
	want := expected(t, s)
	require.Equal(t, want, a.state())
	require.Equal(t, want, b.state())
	require.Equal(t, uint64(10_000), a.applyCalls(), "each event once")
	require.Equal(t, head(t, s), r.Position())

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				_, err := s.Append(context.Background(), "live-"+strconv.Itoa(w), eventstore.Any(), evData("Live", i))
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s), "a"))
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	want = expected(t, s)
	require.Equal(t, want, a.state())
	require.Equal(t, want, b.state())
	require.Equal(t, uint64(400), want.Types["Live"])
}

func TestEmptyLogIsCaughtUp(t *testing.T) {
	s := memstore.New()
	r, _ := start(t, s, t.TempDir(), Options{}, newCounter("a"))
	require.NoError(t, r.Ready(waitCtx(t, 10*time.Second)))
	require.True(t, r.CaughtUp())
	require.Zero(t, r.Position())
	require.Zero(t, r.Lag())
	require.NoError(t, r.WaitFor(testCtx(t), 0))
}

func TestWaitForIsBoundedAndNamed(t *testing.T) {
	s := memstore.New()
	fill(t, s, 10, 2)
	r, _ := start(t, s, "", Options{}, newCounter("a"))
	require.NoError(t, r.WaitFor(testCtx(t), 10, "a"))

	err := r.WaitFor(waitCtx(t, 30*time.Millisecond), 11)
	require.ErrorIs(t, err, ErrNotReady)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "waiting for position 11 (applied: 10)")

	require.ErrorIs(t, r.WaitFor(testCtx(t), 1, "nope"), ErrUnknownProjection)

	done := make(chan error, 1)
	go func() { done <- r.WaitFor(testCtx(t), 11) }()
	_, err = s.Append(context.Background(), "x", eventstore.Any(), evData("Late", 0))
	require.NoError(t, err)
	require.NoError(t, <-done, "a waiter is woken by the event it waits for")
}

func TestNotStarted(t *testing.T) {
	r, err := NewRunner(memstore.New(), "", nil, newCounter("a"))
	require.NoError(t, err)
	require.ErrorIs(t, r.WaitFor(testCtx(t), 0), ErrStopped)
	require.ErrorIs(t, r.Rebuild(testCtx(t)), ErrStopped)
	require.ErrorIs(t, r.SnapshotNow(testCtx(t)), ErrStopped)
	require.False(t, r.CaughtUp())
	require.NoError(t, r.Close())
}

func TestRestartResumesFromSnapshot(t *testing.T) {
	s := memstore.New()
	fill(t, s, 3000, 11)
	dir := t.TempDir()
	a := newCounter("a")
	r, _ := start(t, s, dir, Options{}, a)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.NoError(t, r.Close())
	_, err := os.Stat(filepath.Join(dir, SnapshotFolder, "a.snap"))
	require.NoError(t, err, "Close writes a final snapshot")
	require.ErrorIs(t, r.WaitFor(testCtx(t), 0), ErrStopped)

	fill(t, s, 50, 3)
	again := newCounter("a")
	reads := s.Reads()
	r2, lb := start(t, s, dir, Options{}, again)
	require.NoError(t, r2.WaitFor(testCtx(t), head(t, s)))
	require.LessOrEqual(t, s.Reads()-reads, uint64(4))
	require.Equal(t, expected(t, s), again.state())
	require.Equal(t, uint64(50), again.applyCalls(), "only the events after the snapshot")
	require.Contains(t, lb.String(), "restored from snapshot")
	require.Equal(t, uint64(3000), r2.Status().Projections[0].SnapshotPosition)
}

func TestProjectionsAtDifferentCheckpointsShareOneFeed(t *testing.T) {
	s := memstore.New(memstore.WithPositionStep(2))
	dir := t.TempDir()
	fill(t, s, 1000, 5)
	r, _ := start(t, s, dir, Options{}, newCounter("a"), newCounter("b"))
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.NoError(t, r.Close())
	fill(t, s, 1000, 5)
	r, _ = start(t, s, dir, Options{}, newCounter("a"))
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.NoError(t, r.Close())
	fill(t, s, 500, 5)

	a, b := newCounter("a"), newCounter("b")
	reads := s.Reads()
	r, _ = start(t, s, dir, Options{BatchSize: 100}, a, b)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.LessOrEqual(t, s.Reads()-reads, uint64(1500/100+4), "one feed from the lowest checkpoint")
	want := expected(t, s)
	require.Equal(t, want, a.state())
	require.Equal(t, want, b.state())
	require.Equal(t, uint64(500), a.applyCalls())
	require.Equal(t, uint64(1500), b.applyCalls())
}

func TestPoisonEventStopsTheRunner(t *testing.T) {
	s := memstore.New()
	fill(t, s, 200, 4)
	dir := t.TempDir()
	good, bad := newCounter("good"), newCounter("bad")
	bad.poison = 120
	r, lb := start(t, s, dir, Options{BatchSize: 50}, good, bad)
	aerr := stoppedOn(t, r)
	require.Equal(t, "bad", aerr.Projection)
	require.Equal(t, uint64(120), aerr.Position)
	require.NotEmpty(t, aerr.EventID)
	require.Equal(t, bad.state().Last, uint64(119), "the poison event is not skipped")
	require.ErrorIs(t, r.WaitFor(testCtx(t), 1), ErrStopped)
	require.ErrorAs(t, r.WaitFor(testCtx(t), 1), &aerr)
	require.False(t, r.CaughtUp())
	require.Equal(t, "stopped", r.Status().Phase)
	require.Contains(t, lb.String(), "a projection refused an event")
	require.Contains(t, lb.String(), "position=120")
	require.NoError(t, r.Close())

	_, err := os.Stat(filepath.Join(dir, SnapshotFolder, "bad.snap"))
	require.ErrorIs(t, err, os.ErrNotExist, "a state that refused an event is never snapshotted")

	fixedGood, fixedBad := newCounter("good"), newCounter("bad")
	r2, _ := start(t, s, dir, Options{}, fixedGood, fixedBad)
	require.NoError(t, r2.WaitFor(testCtx(t), head(t, s)))
	want := expected(t, s)
	require.Equal(t, want, fixedGood.state())
	require.Equal(t, want, fixedBad.state())
	require.Less(t, fixedGood.applyCalls(), uint64(200), "good resumed from its final snapshot")
}

func TestDroppedSubscriptionAndFailingReadsResume(t *testing.T) {
	s := memstore.New()
	fill(t, s, 100, 3)
	a := newCounter("a")
	r, lb := start(t, s, "", Options{RetryMin: time.Millisecond, RetryMax: 20 * time.Millisecond}, a)
	require.NoError(t, r.Ready(testCtx(t)))
	// Ready follows the first catch-up; the live subscription opens just after it.
	require.Eventually(t, func() bool { return r.Status().Phase == "live" }, 10*time.Second, time.Millisecond)

	boom := errors.New("connection reset")
	s.FailReads(boom)
	s.DropSubscriptions()
	require.Eventually(t, func() bool { return r.Status().Phase == "reconnecting" }, 10*time.Second, time.Millisecond)
	require.False(t, r.CaughtUp())
	require.ErrorIs(t, r.Ready(waitCtx(t, 20*time.Millisecond)), ErrNotReady)
	fill(t, s, 30, 3)
	require.ErrorIs(t, r.WaitFor(waitCtx(t, 20*time.Millisecond), head(t, s)), ErrNotReady)

	s.FailReads(nil)
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.NoError(t, r.Ready(testCtx(t)))
	require.True(t, r.CaughtUp())
	require.Equal(t, expected(t, s), a.state())
	// Which failure is logged first (the dropped feed or the failing re-read) is a
	// matter of timing; the resumed, whole state above is the point.
	require.Contains(t, lb.String(), "connection reset")
	require.NoError(t, r.Err())
}

func TestClosedStoreStopsTheRunner(t *testing.T) {
	s := memstore.New()
	fill(t, s, 10, 1)
	r, _ := start(t, s, "", Options{}, newCounter("a"))
	require.NoError(t, r.Ready(testCtx(t)))
	require.NoError(t, s.Close())
	select {
	case <-r.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("runner did not stop")
	}
	require.ErrorIs(t, r.Err(), eventstore.ErrClosed)
}

// noHead hides the store's HeadPosition.
type noHead struct{ eventstore.Store }

func TestWithoutHeadReaderCaughtUpMeansLive(t *testing.T) {
	s := memstore.New()
	fill(t, s, 500, 3)
	r, _ := start(t, noHead{s}, "", Options{BatchSize: 64}, newCounter("a"))
	require.NoError(t, r.Ready(testCtx(t)))
	require.True(t, r.CaughtUp())
	require.Equal(t, uint64(500), r.Position())
	require.Zero(t, r.Lag())
}

func TestLagAgainstTheHead(t *testing.T) {
	s := memstore.New(memstore.WithPositionStep(10))
	fill(t, s, 50, 3)
	gate := make(chan struct{})
	a := newCounter("a")
	a.onApply = func(ev eventstore.Event) {
		if ev.Position > 500 {
			<-gate
		}
	}
	r, _ := start(t, s, "", Options{}, a)
	require.NoError(t, r.WaitFor(testCtx(t), 500))
	fill(t, s, 5, 1)
	require.Eventually(t, func() bool { return r.Lag() == 50 }, 10*time.Second, time.Millisecond,
		"the feed is held on the first new event")
	require.False(t, r.CaughtUp())
	require.ErrorIs(t, r.Ready(waitCtx(t, 20*time.Millisecond)), ErrNotReady)
	close(gate)
	require.NoError(t, r.Ready(testCtx(t)))
	require.Zero(t, r.Lag())
	require.True(t, r.CaughtUp())
}

package projections

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

// A replay whose context ends part-way reports it and writes no snapshot: a partial
// state must never be saved as if it were the whole log.
func TestReplayCancelledWritesNoSnapshot(t *testing.T) {
	s := memstore.New()
	fill(t, s, 3*ReplayBatch, 7)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	c := newCounter("counter")
	pages := 0
	_, err := Replay(ctx, s, dir, func(uint64, uint64) {
		if pages++; pages == 1 {
			cancel()
		}
	}, c)
	require.ErrorIs(t, err, context.Canceled)
	_, statErr := os.Stat(filepath.Join(dir, SnapshotFolder, "counter.snap"))
	require.ErrorIs(t, statErr, os.ErrNotExist)
}

func TestReplayAppliesTheWholeLogAndSnapshotsIt(t *testing.T) {
	s := memstore.New()
	fill(t, s, 2*ReplayBatch+17, 5)
	dir := t.TempDir()
	c := newCounter("counter")
	st, err := Replay(context.Background(), s, dir, nil, c)
	require.NoError(t, err)
	require.EqualValues(t, 2*ReplayBatch+17, st.Events)
	require.EqualValues(t, 5, st.Streams, "fill spreads the events over five streams")
	require.EqualValues(t, 2*ReplayBatch+17, st.Position)
	require.Equal(t, expected(t, s), c.state())
	require.FileExists(t, filepath.Join(dir, SnapshotFolder, "counter.snap"))
}

// Every projection of a replay folds the whole log, the ones after the first on
// another goroutine beside it.
func TestReplayFoldsEveryProjection(t *testing.T) {
	s := memstore.New()
	fill(t, s, 3*ReplayBatch+5, 7)
	a, b, c := newCounter("a"), newCounter("b"), newCounter("c")
	st, err := Replay(context.Background(), s, t.TempDir(), nil, a, b, c)
	require.NoError(t, err)
	require.EqualValues(t, 3*ReplayBatch+5, st.Events)
	for _, p := range []*counter{a, b, c} {
		require.Equal(t, expected(t, s), p.state(), p.name)
	}
}

// A projection that refuses an event stops the replay with an ApplyError naming it
// and the event, whichever goroutine folds it; when two refuse, the first in order
// is the one reported, and no snapshot is written. When the first prepares its
// pages apart from its fold, the same holds even while its fill waits for a fold
// that will not come, and nothing is left running.
func TestReplayStopsOnARefusalBesideTheFirst(t *testing.T) {
	for _, tc := range []struct {
		name              string
		prepares          bool
		poisonA, poisonB  uint64
		wantName          string
		wantPos, wantSeen uint64
	}{
		{"the second refuses", false, 0, ReplayBatch + 9, "b", ReplayBatch + 9, ReplayBatch + 8},
		{"the first refuses", false, ReplayBatch + 30, 0, "a", ReplayBatch + 30, ReplayBatch + 29},
		{"both refuse, the second earlier", false, ReplayBatch + 30, ReplayBatch + 9, "a", ReplayBatch + 30, ReplayBatch + 8},
		{"the preparer refuses mid-page", true, ReplayBatch + 30, 0, "a", ReplayBatch + 30, ReplayBatch + 29},
		{"the preparer refuses a page's first event", true, ReplayBatch + 1, 0, "a", ReplayBatch + 1, ReplayBatch},
		{"the one beside a preparer refuses", true, 0, 2*ReplayBatch + 9, "b", 2*ReplayBatch + 9, 2*ReplayBatch + 8},
		{"both refuse, the preparer later", true, ReplayBatch + 30, ReplayBatch + 9, "a", ReplayBatch + 30, ReplayBatch + 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memstore.New()
			fill(t, s, 3*ReplayBatch, 3)
			before := runtime.NumGoroutine()
			a, b := newCounter("a"), newCounter("b")
			a.poison, b.poison = tc.poisonA, tc.poisonB
			first := Projection(a)
			prep := &preparingCounter{counter: a}
			if tc.prepares {
				first = prep
			}
			dir := t.TempDir()
			st, err := Replay(context.Background(), s, dir, nil, first, b)
			var ae *ApplyError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.wantName, ae.Projection)
			require.Equal(t, tc.wantPos, ae.Position)
			require.Equal(t, tc.wantSeen, st.Events, "events every projection applied")
			_, statErr := os.Stat(filepath.Join(dir, SnapshotFolder, tc.wantName+".snap"))
			require.ErrorIs(t, statErr, os.ErrNotExist)
			waitGoroutines(t, before)
			require.Zero(t, prep.fills.Load(), "no fill left waiting")
		})
	}
}

// foldStore reads for folds as the embedded store does: every event without its
// hash chain, its Data in the DataBuffer given.
type foldStore struct {
	*memstore.Store
	folds, intoData int
}

func (f *foldStore) ReadAllForFold(ctx context.Context, after uint64, limit int, dst []eventstore.Event, data *eventstore.DataBuffer) ([]eventstore.Event, error) {
	f.folds++
	evs, err := f.ReadAll(ctx, after, limit)
	var block []byte
	for i := range evs {
		evs[i].PrevHash, evs[i].Hash = "", ""
		if data != nil {
			f.intoData++
			if cap(block)-len(block) < len(evs[i].Data) {
				block = data.Block()
			}
			at := len(block)
			block = append(block, evs[i].Data...)
			evs[i].Data = block[at:len(block):len(block)]
		}
	}
	return append(dst, evs...), err
}

// A replay reads without the hash chain where the store can, and its snapshots still
// name their checkpoint by the event's hash: a restart accepts them.
func TestReplayReadsForFoldAndSnapshotsMatchTheLog(t *testing.T) {
	folds := &foldStore{Store: memstore.New()}
	embedded, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = embedded.Close() })
	for name, s := range map[string]eventstore.Store{"fold reader": folds, "embedded store": embedded} {
		t.Run(name, func(t *testing.T) {
			require.Implements(t, (*eventstore.FoldReader)(nil), s)
			fillFast(t, s, ReplayBatch+17) // two pages, the first read in halves
			dir := t.TempDir()
			c := newCounter("counter")
			st, err := Replay(context.Background(), s, dir, nil, c)
			require.NoError(t, err)
			require.Equal(t, expected(t, s), c.state())

			f, h, err := openSnapshot(snapPath(filepath.Join(dir, SnapshotFolder), "counter"))
			require.NoError(t, err)
			require.NoError(t, f.Close())
			require.Equal(t, st.Position, h.Checkpoint)
			require.NotEmpty(t, h.EventHash)
			ok, err := matchesLog(context.Background(), s, h)
			require.NoError(t, err)
			require.True(t, ok, "the snapshot's checkpoint event, id and hash, is the log's")
		})
	}
	require.Positive(t, folds.folds, "the replay read for a fold")
	require.Equal(t, 2*(ReplayBatch+17), folds.intoData, "every document of both replays (the test's and expected's) read into their DataBuffers")
}

// fillFast appends n events in runs of up to 500 (an embedded store commits each run).
func fillFast(t *testing.T, s eventstore.Store, n int) {
	t.Helper()
	for i := 0; i < n; i += 500 {
		batch := make([]eventstore.EventData, min(500, n-i))
		for j := range batch {
			batch[j] = evData("Referred", i+j)
		}
		_, err := s.Append(context.Background(), fmt.Sprintf("pathway-%d", i/500), eventstore.NoStream(), batch...)
		require.NoError(t, err)
	}
}

package projections

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

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

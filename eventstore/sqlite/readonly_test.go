package sqlite

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// The folder lock is per open file description, so a second Open in this process is
// refused exactly as another process would be: the reader below really does share
// the folder with a live writer.
func TestReadOnlyStoreReadsBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir)
	require.NoError(t, err)
	defer w.Close()
	_, err = w.Append(ctx, "pathway-a", eventstore.NoStream(), data(0), data(1))
	require.NoError(t, err)
	_, err = Open(dir)
	require.ErrorIs(t, err, eventstore.ErrLocked, "a second writer is still refused")

	r, err := Open(dir, ReadOnly(), withPollInterval(5*time.Millisecond))
	require.NoError(t, err)
	defer r.Close()

	head, err := r.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), head)
	got, err := r.ReadStream(ctx, "pathway-a", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.JSONEq(t, `{"i":1}`, string(got[1].Data))

	sub, err := r.Subscribe(ctx, 0)
	require.NoError(t, err)
	defer sub.Close()
	for want := uint64(1); want <= 2; want++ {
		e, err := sub.Recv(ctx)
		require.NoError(t, err)
		require.Equal(t, want, e.Position)
	}

	// Appended after the reader opened: visible to every read path, and to a
	// subscription waiting on the writer, which this process cannot be told about.
	_, err = w.Append(ctx, "pathway-b", eventstore.NoStream(), data(2))
	require.NoError(t, err)
	recvCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e, err := sub.Recv(recvCtx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), e.Position)
	require.Equal(t, "pathway-b", e.Stream)

	head, err = r.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), head)
	all, err := r.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 3)
	fromWriter, err := w.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Equal(t, fromWriter, all)
	got, err = r.ReadStream(ctx, "pathway-b", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	_, err = r.ReadStream(ctx, "pathway-c", 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStreamNotFound)

	rep, err := eventstore.Verify(ctx, r, nil)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(3), rep.Events)
}

// ReadAll splits large pages over two connections by the head it knows; a reader's
// head must be the file's, not the one it saw at open.
func TestReadOnlyStoreReadsLargePagesWrittenAfterItOpened(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir)
	require.NoError(t, err)
	defer w.Close()
	r, err := Open(dir, ReadOnly())
	require.NoError(t, err)
	defer r.Close()

	const n = 3 * splitAt
	batch := make([]eventstore.EventData, 0, 500)
	for i := 0; i < n; i++ {
		batch = append(batch, data(i))
		if len(batch) == cap(batch) || i == n-1 {
			_, err := w.Append(ctx, "pathway-big", eventstore.Any(), batch...)
			require.NoError(t, err)
			batch = batch[:0]
		}
	}
	all, err := r.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, n)
	for i, e := range all {
		require.Equal(t, uint64(i+1), e.Position)
	}
}

func TestReadOnlyStoreRefusesAppends(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir)
	require.NoError(t, err)
	_, err = w.Append(ctx, "pathway-a", eventstore.NoStream(), data(0))
	require.NoError(t, err)
	require.NoError(t, w.Close())

	r, err := Open(dir, ReadOnly())
	require.NoError(t, err)
	_, err = r.Append(ctx, "pathway-a", eventstore.Any(), data(1))
	require.ErrorIs(t, err, ErrReadOnly)
	require.NoError(t, r.Close())

	_, err = r.ReadAll(ctx, 0, 0)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	_, err = r.HeadPosition(ctx)
	require.ErrorIs(t, err, eventstore.ErrClosed)

	// Nothing was written and the lock was never taken: a writer opens the folder
	// and finds the one event.
	w, err = Open(dir)
	require.NoError(t, err)
	defer w.Close()
	head, err := w.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), head)
}

// A reader opened while no writer runs (ledger serve stopped) sees what a writer
// started later appends.
func TestReadOnlyStoreSeesAWriterStartedAfterIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir)
	require.NoError(t, err)
	_, err = w.Append(ctx, "pathway-a", eventstore.NoStream(), data(0))
	require.NoError(t, err)
	require.NoError(t, w.Close())

	r, err := Open(dir, ReadOnly())
	require.NoError(t, err)
	defer r.Close()
	all, err := r.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 1)

	w, err = Open(dir)
	require.NoError(t, err)
	defer w.Close()
	_, err = w.Append(ctx, "pathway-a", eventstore.Exact(0), data(1))
	require.NoError(t, err)
	all, err = r.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
}

func TestReadOnlyOpenOfAFolderWithoutADatabase(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir, ReadOnly())
	require.ErrorIs(t, err, eventstore.ErrStorage)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.ErrorContains(t, err, "no ledger database in "+dir)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "a read-only open creates neither the database nor the lock file")

	missing := filepath.Join(dir, "nowhere")
	_, err = Open(missing, ReadOnly())
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = os.Stat(missing)
	require.ErrorIs(t, err, fs.ErrNotExist, "nor the folder")
}

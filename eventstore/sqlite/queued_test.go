package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// What one caller queues is written in the order queued, sharing commits, and each
// wait answers as Append would, a re-queued append included.
func TestAppendQueuedKeepsTheCallersOrder(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var _ eventstore.QueuedAppender = s
	const n = 600
	var waits []func() (eventstore.AppendResult, error)
	var sent [][]eventstore.EventData
	for i := range n {
		evs := []eventstore.EventData{data(i)}
		if i%3 == 0 {
			evs = append(evs, data(i))
		}
		// Streams recur, as a date-ordered file's do, and never wait for each other.
		w, err := s.AppendQueued(ctx, fmt.Sprintf("pathway-%03d", i%97), eventstore.Any(), evs...)
		require.NoError(t, err)
		waits, sent = append(waits, w), append(sent, evs)
	}
	var last uint64
	for i, w := range waits {
		res, err := w()
		require.NoError(t, err, "append %d", i)
		require.Equal(t, last+uint64(len(sent[i])), res.Position, "append %d lands right after the one queued before it", i)
		last = res.Position
	}
	require.Less(t, s.Stats().Commits, uint64(n/4), "queued appends share commits")

	all, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	var want []string
	for _, evs := range sent {
		for _, e := range evs {
			want = append(want, e.EventID)
		}
	}
	got := make([]string, len(all))
	for i := range all {
		got[i] = all[i].EventID
	}
	require.Equal(t, want, got, "the log holds the events in the order queued")

	w, err := s.AppendQueued(ctx, "pathway-000", eventstore.Any(), sent[0]...)
	require.NoError(t, err)
	res, err := w()
	require.NoError(t, err)
	require.EqualValues(t, len(sent[0]), res.Position, "a re-queued append answers with its first position")
}

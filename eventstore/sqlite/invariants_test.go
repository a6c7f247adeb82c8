package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Positions are exactly 1..n in this engine, also when groups are refused in part
// (wrong expected versions) or rolled back and replayed (an event id reused by
// another stream): 12 writers mix all three kinds of append at once.
func TestPositionsStayGapFreeThroughRefusalsAndReplays(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	taken := data(-1)
	_, err = s.Append(ctx, "pathway-taken", eventstore.NoStream(), taken)
	require.NoError(t, err)

	var mu sync.Mutex
	acked := map[string]bool{taken.EventID: true}
	var wg sync.WaitGroup
	for w := 0; w < 12; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				stream := fmt.Sprintf("pathway-%d", (w+i)%5)
				evs := []eventstore.EventData{data(i), data(i)}
				expected := eventstore.Any()
				switch i % 3 {
				case 1:
					expected = eventstore.Exact(1 << 40) // never true: refused
				case 2:
					evs[1] = taken // stored in another stream: the group rolls back
				}
				_, err := s.Append(ctx, stream, expected, evs...)
				switch {
				case i%3 == 0 && err != nil:
					t.Errorf("append: %v", err)
				case i%3 == 1 && !errors.Is(err, eventstore.ErrWrongExpectedVersion):
					t.Errorf("want a version conflict, got %v", err)
				case i%3 == 2 && !errors.Is(err, eventstore.ErrIdempotencyConflict):
					t.Errorf("want an id conflict, got %v", err)
				}
				if err == nil {
					mu.Lock()
					acked[evs[0].EventID], acked[evs[1].EventID] = true, true
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	all, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, len(acked), "exactly the acknowledged events")
	for i, e := range all {
		require.Equal(t, uint64(i+1), e.Position)
		require.True(t, acked[e.EventID])
	}
	head, err := s.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(len(all)), head)
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK, "%v", rep.Failures)
}

// The documented limit itself is accepted: one event of exactly MaxDataBytes.
func TestAnEventOfTheMaximumSize(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	d := data(0)
	d.Data = json.RawMessage(`"` + strings.Repeat("a", eventstore.MaxDataBytes-2) + `"`)
	_, err = s.Append(ctx, "session-big", eventstore.NoStream(), d, data(1))
	require.NoError(t, err)
	got, err := s.ReadStream(ctx, "session-big", 0, 1)
	require.NoError(t, err)
	require.Len(t, got[0].Data, eventstore.MaxDataBytes)
	require.True(t, eventstore.SameContent(&got[0], &d))
}

func TestACancelledCallWritesNothing(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Append(ctx, "pathway-c", eventstore.Any(), data(0))
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ReadAll(ctx, 0, 10)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ReadStream(context.Background(), "pathway-c", 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStreamNotFound)
}

// A page larger than the split threshold is read as two halves at once and comes
// back whole and in order, with limits honoured at every size around the split.
func TestLargePagesReadWhole(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	const n = 3*splitAt + 7
	for i := 0; i < n; i += 500 {
		batch := make([]eventstore.EventData, min(500, n-i))
		for k := range batch {
			batch[k] = data(i + k)
			batch[k].EventID = uuid.Must(uuid.NewV7()).String()
		}
		_, err := s.Append(ctx, fmt.Sprintf("pathway-%d", i), eventstore.Any(), batch...)
		require.NoError(t, err)
	}
	for _, c := range []struct {
		after uint64
		limit int
		want  int
	}{{0, 0, n}, {0, splitAt, splitAt}, {0, splitAt - 1, splitAt - 1}, {5, 2*splitAt + 1, 2*splitAt + 1}, {n - 10, 0, 10}, {n, 0, 0}} {
		got, err := s.ReadAll(ctx, c.after, c.limit)
		require.NoError(t, err)
		require.Len(t, got, c.want, "after %d limit %d", c.after, c.limit)
		for i, e := range got {
			require.Equal(t, c.after+uint64(i)+1, e.Position)
		}
	}
}

func TestStatsCountDurableWork(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	two := []eventstore.EventData{data(1), data(2)}
	_, err = s.Append(ctx, "pathway-s", eventstore.NoStream(), data(0))
	require.NoError(t, err)
	_, err = s.Append(ctx, "pathway-s", eventstore.Exact(0), two...)
	require.NoError(t, err)
	_, err = s.Append(ctx, "pathway-s", eventstore.Exact(0), data(3))
	require.ErrorIs(t, err, eventstore.ErrWrongExpectedVersion)
	_, err = s.Append(ctx, "pathway-s", eventstore.Exact(0), two...)
	require.NoError(t, err, "an idempotent retry")
	require.Equal(t, Stats{Commits: 2, Appends: 2, Events: 3}, s.Stats(), "refusals and retries write nothing")
}

// Under a steady stream of commits the WAL would never start over (a transaction must
// begin with every frame copied); the checkpointer makes it, so it stays bounded.
func TestTheWALStaysBoundedUnderSteadyWrites(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, WithCheckpointInterval(10*time.Millisecond), withRestartFrames(400))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 400; i++ {
				if _, err := s.Append(ctx, fmt.Sprintf("pathway-%d-%d", w, i%40), eventstore.Any(), data(i)); err != nil {
					t.Errorf("append: %v", err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	db, err := sql.Open("sqlite", "file:"+s.Path())
	require.NoError(t, err)
	defer db.Close()
	var busy, frames, copied int64
	require.NoError(t, db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied))
	st := s.Stats()
	t.Logf("%d events in %d commits; the WAL holds %d frames", st.Events, st.Commits, frames)
	require.Less(t, frames, int64(3*400), "the WAL started over (a commit writes several frames: without restarts it would hold thousands)")
	require.Greater(t, st.Commits*4, uint64(3*400), "enough commits that an unbounded WAL would be far larger")
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// 16 goroutines race on one stream, each appending at the version it last saw:
// exactly one wins each version and no event is lost or duplicated.
func testRacingWriters(t *testing.T, h Harness) {
	s := open(t, h)
	st := prefix() + "-race"
	const writers, perWriter = 16, 10
	var mu sync.Mutex
	won := map[uint64]string{}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for done := 0; done < perWriter; {
				cur := int64(-1)
				if got, err := s.ReadStream(ctx(t), st, 0, 0); err == nil && len(got) > 0 {
					cur = int64(got[len(got)-1].StreamVersion)
				}
				exp := eventstore.NoStream()
				if cur >= 0 {
					exp = eventstore.Exact(uint64(cur))
				}
				e := ev("Raced", w)
				r, err := s.Append(ctx(t), st, exp, e)
				if errors.Is(err, eventstore.ErrWrongExpectedVersion) {
					continue
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				if prev, dup := won[r.Version]; dup {
					t.Errorf("version %d won twice: %s and %s", r.Version, prev, e.EventID)
				}
				won[r.Version] = e.EventID
				mu.Unlock()
				done++
			}
		}(w)
	}
	wg.Wait()
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, writers*perWriter)
	for i, e := range got {
		require.Equal(t, uint64(i), e.StreamVersion)
		require.Equal(t, won[uint64(i)], e.EventID, "the acknowledged winner is what is stored")
	}
}

func testIdempotency(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	st := p + "-idem"
	batch := evs(3)
	r1, err := s.Append(ctx(t), st, eventstore.NoStream(), batch...)
	require.NoError(t, err)
	// A retry after a timeout re-sends the same ids at the same expectation.
	r2, err := s.Append(ctx(t), st, eventstore.NoStream(), batch...)
	require.NoError(t, err)
	require.Equal(t, r1, r2)
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 3, "no duplicates")

	changed := batch[0]
	changed.Data = []byte(`{"n":"different"}`)
	_, err = s.Append(ctx(t), st, eventstore.Any(), changed)
	require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)
	if !h.NoGlobalIDIndex {
		_, err = s.Append(ctx(t), p+"-elsewhere", eventstore.Any(), batch[1])
		require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict, "an id belongs to one stream")
	}
	got, err = s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 3)
}

// A subscription from before the case's first event sees the backlog and then live
// events from 4 concurrent writers; halfway it is closed and resumed from the last
// position it delivered, as a projection does after a restart. Across both, every
// event is delivered exactly once and in position order.
func testSubscription(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	start := headOf(t, s)
	for i := 0; i < 50; i++ {
		_, err := s.Append(ctx(t), fmt.Sprintf("%s-pre-%d", p, i%5), eventstore.Any(), ev("Backlog", i))
		require.NoError(t, err)
	}
	sub, err := s.Subscribe(ctx(t), start)
	require.NoError(t, err)
	defer func() { sub.Close() }()

	const writers, each = 4, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Append(ctx(t), fmt.Sprintf("%s-live-%d", p, w), eventstore.Any(), ev("Live", i)); err != nil {
					t.Errorf("append: %v", err)
					return
				}
			}
		}(w)
	}
	const total = 50 + writers*each
	var got []eventstore.Event
	var last uint64
	rctx, cancel := context.WithTimeout(ctx(t), 2*time.Minute)
	defer cancel()
	resumed := false
	for len(got) < total {
		if !resumed && len(got) == total/2 {
			require.NoError(t, sub.Close())
			sub, err = s.Subscribe(ctx(t), last)
			require.NoError(t, err)
			resumed = true
		}
		e, err := sub.Recv(rctx)
		require.NoError(t, err)
		require.Greater(t, e.Position, last, "in order, no duplicate")
		last = e.Position
		if strings.HasPrefix(e.Stream, p) {
			got = append(got, e)
		}
	}
	wg.Wait()
	want := own(t, s, start, p)
	require.Len(t, want, total)
	for i := range want {
		require.Equal(t, want[i].EventID, got[i].EventID, "event %d", i)
		require.Equal(t, want[i].Position, got[i].Position)
		require.Equal(t, want[i].Hash, got[i].Hash)
	}
}

// Resuming from any checkpoint delivers exactly the events after it.
func testSubscriptionResume(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	start := headOf(t, s)
	for i := 0; i < 30; i++ {
		_, err := s.Append(ctx(t), p+"-r", eventstore.Any(), ev("R", i))
		require.NoError(t, err)
	}
	all := own(t, s, start, p)
	require.Len(t, all, 30)
	checkpoint := all[11].Position
	sub, err := s.Subscribe(ctx(t), checkpoint)
	require.NoError(t, err)
	defer sub.Close()
	rctx, cancel := context.WithTimeout(ctx(t), 30*time.Second)
	defer cancel()
	for i := 12; i < 30; {
		e, err := sub.Recv(rctx)
		require.NoError(t, err)
		if e.Stream != p+"-r" {
			continue
		}
		require.Equal(t, all[i].EventID, e.EventID)
		i++
	}
	require.NoError(t, sub.Close())
	_, err = sub.Recv(rctx)
	require.Error(t, err, "a closed subscription delivers nothing more")
}

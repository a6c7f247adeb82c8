package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func testReopen(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("engine cannot reopen in tests")
	}
	s := h.Open(t)
	p := prefix()
	st := p + "-reopen"
	_, err := s.Append(ctx(t), st, eventstore.NoStream(), evs(5)...)
	require.NoError(t, err)
	before, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	s = h.Reopen(t, s)
	t.Cleanup(func() { _ = s.Close() })
	after, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Equal(t, before, after, "everything, byte for byte")
	r, err := s.Append(ctx(t), st, eventstore.Exact(4), ev("T", 5))
	require.NoError(t, err)
	require.Equal(t, uint64(5), r.Version)
	require.Greater(t, r.Position, before[4].Position)
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.True(t, eventstore.VerifyStream(got).OK, "the chain continues across a reopen")
}

func testLargeEvents(t *testing.T, h Harness) {
	s := open(t, h)
	st := prefix() + "-large"
	payload, err := json.Marshal(map[string]string{"blob": strings.Repeat("a", 1<<20)})
	require.NoError(t, err)
	e := ev("Large", 0)
	e.Data = payload
	_, err = s.Append(ctx(t), st, eventstore.NoStream(), e)
	require.NoError(t, err)
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Equal(t, len(payload), len(got[0].Data))
	require.JSONEq(t, string(payload), string(got[0].Data))
}

// 10,000 streams written by 16 concurrent writers: each holds its one event at
// version 0, the global log holds each exactly once, and any stream reads back.
func testManyStreams(t *testing.T, h Harness) {
	if testing.Short() {
		t.Skip("10,000 streams: not in -short")
	}
	s := open(t, h)
	p := prefix()
	start := headOf(t, s)
	const streams, writers = 10000, 16
	name := func(i int) string { return fmt.Sprintf("%s-%05d", p, i) }
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < streams; i += writers {
				if _, err := s.Append(ctx(t), name(i), eventstore.NoStream(), ev("Many", i)); err != nil {
					t.Errorf("stream %d: %v", i, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	all := own(t, s, start, p)
	require.Len(t, all, streams)
	seen := make(map[string]bool, streams)
	for _, e := range all {
		require.False(t, seen[e.Stream], "%s twice", e.Stream)
		seen[e.Stream] = true
		require.Equal(t, uint64(0), e.StreamVersion)
	}
	for _, i := range []int{0, 1, 4999, 7777, streams - 1} {
		got, err := s.ReadStream(ctx(t), name(i), 0, 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.JSONEq(t, fmt.Sprintf(`{"n":%d,"note":"contract suite"}`, i), string(got[0].Data))
	}
}

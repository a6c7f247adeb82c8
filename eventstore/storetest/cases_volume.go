package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
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

func testManyStreams(t *testing.T, h Harness) {
	if testing.Short() {
		t.Skip("10,000 streams: not in -short")
	}
	s := open(t, h)
	p := prefix()
	start := headOf(t, s)
	const streams = 10000
	for i := 0; i < streams; i++ {
		_, err := s.Append(ctx(t), fmt.Sprintf("%s-%05d", p, i), eventstore.NoStream(), ev("Many", i))
		require.NoError(t, err)
	}
	all := own(t, s, start, p)
	require.Len(t, all, streams)
	for i, e := range all {
		require.Equal(t, fmt.Sprintf("%s-%05d", p, i), e.Stream)
		require.Equal(t, uint64(0), e.StreamVersion)
	}
	got, err := s.ReadStream(ctx(t), fmt.Sprintf("%s-%05d", p, 7777), 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
}

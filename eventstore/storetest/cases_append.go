package storetest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// testReadAllAppend: an engine that reads into the caller's memory returns what
// ReadAll returns, after dst's own elements, in dst's memory when it has the room,
// and overwrites every field of a recycled page (a replay reads into pages it used).
func testReadAllAppend(t *testing.T, h Harness) {
	s := open(t, h)
	ar, ok := s.(eventstore.AppendReader)
	if !ok {
		t.Skipf("%T reads no pages into the caller's memory (eventstore.AppendReader): ReadAhead allocates each page", s)
	}
	start, n, per := appendPages(t, s)
	want, err := s.ReadAll(ctx(t), start, n)
	require.NoError(t, err)
	require.Len(t, want, n)
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)

	kept := []eventstore.Event{{Position: 1, Reason: "mine"}, {Position: 2, Reason: "mine too"}}
	dst := make([]eventstore.Event, len(kept), len(kept)+n)
	copy(dst, kept)
	got, err := ar.ReadAllAppend(ctx(t), start, n, dst)
	require.NoError(t, err)
	require.Equal(t, kept, got[:len(kept)], "dst's elements are kept")
	require.Equal(t, want, got[len(kept):])
	require.Same(t, &dst[0], &got[0], "dst had the room: no new page")

	stale := make([]eventstore.Event, n)
	for i := range stale {
		stale[i] = eventstore.Event{EventID: "stale", Stream: "stale", Type: "Stale", OccurredOn: "1999-01-01",
			Actor: eventstore.Actor{User: "x", Role: "y"}, CorrelationID: "c", CausationID: "c", Reason: fmt.Sprint(i),
			Data: []byte(`{"stale":true}`), PrevHash: "p", Hash: "h", SchemaVersion: 9, StreamVersion: 9, Position: 9}
	}
	got, err = ar.ReadAllAppend(ctx(t), start, n, stale[:0])
	require.NoError(t, err)
	require.Equal(t, want, got, "a recycled page holds nothing of what it held before")

	got, err = ar.ReadAllAppend(ctx(t), start+uint64(n)-10, 0, nil)
	require.NoError(t, err)
	require.Equal(t, want[n-10:], got[:10], "limit 0 reads to the head")

	// Other events read into the same pages, again and again, leave the ones read
	// first as they were: an engine may share blocks between events, never reuse them.
	for i := 0; i < 8; i++ {
		got, err = ar.ReadAllAppend(ctx(t), start+uint64(i*per), per, got[:0])
		require.NoError(t, err)
	}
	afterJSON, err := json.Marshal(want)
	require.NoError(t, err)
	require.JSONEq(t, string(wantJSON), string(afterJSON), "events read before are unchanged by later reads")
}

// testReadAllForFold: an engine that reads for folds returns ReadAll's events, in
// the caller's memory as ReadAllAppend does, with nothing missing but the hash chain;
// the same into a DataBuffer, read into again after its Reset.
func testReadAllForFold(t *testing.T, h Harness) {
	s := open(t, h)
	fr, ok := s.(eventstore.FoldReader)
	if !ok {
		t.Skipf("%T reads no events without their hash chain (eventstore.FoldReader): a replay reads them whole", s)
	}
	start, n, _ := appendPages(t, s)
	buf := new(eventstore.DataBuffer)
	for _, limit := range []int{n, 100} {
		want, err := s.ReadAll(ctx(t), start, limit)
		require.NoError(t, err)
		require.Len(t, want, limit)
		for i := range want {
			require.NotEmpty(t, want[i].Hash)
			want[i].PrevHash, want[i].Hash = "", ""
		}
		for _, data := range []*eventstore.DataBuffer{nil, buf} {
			buf.Reset()
			dst := make([]eventstore.Event, 0, limit)
			got, err := fr.ReadAllForFold(ctx(t), start, limit, dst, data)
			require.NoError(t, err)
			require.Equal(t, want, got, "limit %d, into a DataBuffer: %t", limit, data != nil)
			require.Same(t, &dst[:1][0], &got[0], "read into dst's memory")
		}
	}
}

// appendPages appends n events in runs of per to one new stream and returns the
// head before them: over 4,096 events, so that an engine reading a large page in
// parts does so.
func appendPages(t *testing.T, s eventstore.Store) (start uint64, n, per int) {
	start = headOf(t, s)
	p := prefix()
	n, per = 5000, 500
	for i := 0; i < n/per; i++ {
		_, err := s.Append(ctx(t), p, eventstore.Any(), evs(per)...)
		require.NoError(t, err)
	}
	return start, n, per
}

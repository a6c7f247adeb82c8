package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func testOrderingAndVersions(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	start := headOf(t, s)
	a, b := p+"-a", p+"-b"
	sent := evs(3)
	r1, err := s.Append(ctx(t), a, eventstore.NoStream(), sent...)
	require.NoError(t, err)
	require.Equal(t, uint64(2), r1.Version)
	r2, err := s.Append(ctx(t), b, eventstore.Any(), ev("Other", 9))
	require.NoError(t, err)
	require.Equal(t, uint64(0), r2.Version)
	require.Greater(t, r2.Position, r1.Position)
	r3, err := s.Append(ctx(t), a, eventstore.Exact(2), ev("Tested", 3))
	require.NoError(t, err)
	require.Equal(t, uint64(3), r3.Version)

	got, err := s.ReadStream(ctx(t), a, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 4)
	for i, e := range got {
		require.Equal(t, uint64(i), e.StreamVersion)
		require.Equal(t, a, e.Stream)
	}
	for i := range sent {
		require.Equal(t, sent[i].EventID, got[i].EventID)
		require.JSONEq(t, string(sent[i].Data), string(got[i].Data))
		require.Equal(t, sent[i].OccurredOn, got[i].OccurredOn)
		require.Equal(t, sent[i].Actor, got[i].Actor)
		require.Equal(t, sent[i].Reason, got[i].Reason)
		require.Equal(t, sent[i].CorrelationID, got[i].CorrelationID)
		require.False(t, got[i].RecordedAt.IsZero())
	}
	require.Equal(t, r1.Position, got[2].Position)
	require.Equal(t, r3.Position, got[3].Position)

	part, err := s.ReadStream(ctx(t), a, 1, 2)
	require.NoError(t, err)
	require.Len(t, part, 2)
	require.Equal(t, uint64(1), part[0].StreamVersion)

	all := own(t, s, start, p)
	require.Len(t, all, 5)
	require.Equal(t, []string{a, a, a, b, a}, []string{all[0].Stream, all[1].Stream, all[2].Stream, all[3].Stream, all[4].Stream})
	limited, err := s.ReadAll(ctx(t), start, 2)
	require.NoError(t, err)
	require.LessOrEqual(t, len(limited), 2)
}

func testExpectedVersionModes(t *testing.T, h Harness) {
	s := open(t, h)
	st := prefix() + "-x"
	wrong := func(err error, actual int64) {
		t.Helper()
		require.ErrorIs(t, err, eventstore.ErrWrongExpectedVersion)
		var w *eventstore.WrongExpectedVersionError
		require.True(t, errors.As(err, &w))
		require.Equal(t, actual, w.Actual)
	}
	_, err := s.Append(ctx(t), st, eventstore.StreamExists(), ev("T", 0))
	wrong(err, -1)
	_, err = s.Append(ctx(t), st, eventstore.Exact(0), ev("T", 0))
	wrong(err, -1)
	_, err = s.Append(ctx(t), st, eventstore.NoStream(), ev("T", 0))
	require.NoError(t, err)
	_, err = s.Append(ctx(t), st, eventstore.NoStream(), ev("T", 1))
	wrong(err, 0)
	_, err = s.Append(ctx(t), st, eventstore.Exact(5), ev("T", 1))
	wrong(err, 0)
	_, err = s.Append(ctx(t), st, eventstore.StreamExists(), ev("T", 1))
	require.NoError(t, err)
	r, err := s.Append(ctx(t), st, eventstore.Any(), ev("T", 2))
	require.NoError(t, err)
	require.Equal(t, uint64(2), r.Version)
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 3, "refused appends wrote nothing")
}

func testMissingStream(t *testing.T, h Harness) {
	s := open(t, h)
	p := prefix()
	_, err := s.ReadStream(ctx(t), p+"-missing", 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStreamNotFound)
	_, err = s.ReadStream(ctx(t), p+"-missing", 5, 10)
	require.ErrorIs(t, err, eventstore.ErrStreamNotFound)

	_, err = s.Append(ctx(t), p+"-short", eventstore.NoStream(), evs(2)...)
	require.NoError(t, err)
	past, err := s.ReadStream(ctx(t), p+"-short", 2, 0)
	require.NoError(t, err, "reading past the end of a stream that exists is not an error")
	require.Empty(t, past)
}

func testHashChain(t *testing.T, h Harness) {
	s := open(t, h)
	st := prefix() + "-chain"
	_, err := s.Append(ctx(t), st, eventstore.NoStream(), evs(3)...)
	require.NoError(t, err)
	_, err = s.Append(ctx(t), st, eventstore.Exact(2), evs(2)...)
	require.NoError(t, err)
	got, err := s.ReadStream(ctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Equal(t, "", got[0].PrevHash)
	for i := 1; i < len(got); i++ {
		require.Equal(t, got[i-1].Hash, got[i].PrevHash)
	}
	rep := eventstore.VerifyStream(got)
	require.True(t, rep.OK, "%v", rep.Failures)
	require.Equal(t, uint64(5), rep.Events)
}

// A closed store refuses everything with ErrClosed, including a subscription opened
// before it closed; closing twice is harmless.
func testClosed(t *testing.T, h Harness) {
	s := h.Open(t)
	st := prefix() + "-closed"
	start := headOf(t, s)
	_, err := s.Append(ctx(t), st, eventstore.Any(), ev("T", 0))
	require.NoError(t, err)
	sub, err := s.Subscribe(ctx(t), start)
	require.NoError(t, err)
	defer sub.Close()
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice")

	_, err = s.Append(ctx(t), st, eventstore.Any(), ev("T", 1))
	require.ErrorIs(t, err, eventstore.ErrClosed)
	_, err = s.ReadStream(ctx(t), st, 0, 0)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	_, err = s.ReadAll(ctx(t), start, 10)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	_, err = s.Subscribe(ctx(t), start)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	rctx, cancel := context.WithTimeout(ctx(t), 30*time.Second)
	defer cancel()
	for {
		_, err := sub.Recv(rctx)
		if err != nil {
			require.ErrorIs(t, err, eventstore.ErrClosed, "a live subscription ends when its store closes")
			break
		}
	}
}

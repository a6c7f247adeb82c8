package eventstore

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// pagedLog serves a fixed log through the Reader contract in pages of at most page
// events, failing every read that starts at or after failFrom (0: never).
type pagedLog struct {
	events   []Event
	page     int
	failFrom uint64
}

var errDisk = errors.New("disk on fire")

func (l *pagedLog) ReadStream(context.Context, string, uint64, int) ([]Event, error) {
	return nil, ErrStreamNotFound
}

func (l *pagedLog) ReadAll(_ context.Context, after uint64, limit int) ([]Event, error) {
	if l.failFrom > 0 && after >= l.failFrom {
		return nil, errDisk
	}
	if l.page > 0 && (limit <= 0 || limit > l.page) {
		limit = l.page
	}
	var out []Event
	for _, e := range l.events {
		if e.Position > after && (limit <= 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	return out, nil
}

func TestVerifyWalksTheLogInPages(t *testing.T) {
	var calls []uint64
	rep, err := Verify(context.Background(), &pagedLog{events: chain(5), page: 2}, func(events, streams uint64) {
		calls = append(calls, events)
		require.Equal(t, uint64(1), streams)
	})
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, uint64(5), rep.Events)
	require.Equal(t, []uint64{2, 4, 5}, calls, "progress after every page")
}

func TestVerifyKeepsTheReadErrorAndThePartialReport(t *testing.T) {
	rep, err := Verify(context.Background(), &pagedLog{events: chain(5), page: 2, failFrom: 2}, nil)
	require.ErrorIs(t, err, errDisk)
	require.ErrorContains(t, err, "after position 2")
	require.Equal(t, uint64(2), rep.Events, "what was checked before the failure")
}

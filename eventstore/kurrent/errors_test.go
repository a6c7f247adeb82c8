package kurrent

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pathway-ledger/ledger/eventstore"
)

func TestFailureClassification(t *testing.T) {
	grpcErr := func(c codes.Code) error { return status.Error(c, c.String()) }
	cases := []struct {
		name             string
		err              error
		transient, renew bool
		permanentForSubs bool
		mapsTo           error
	}{
		{"unavailable node", grpcErr(codes.Unavailable), true, true, false, eventstore.ErrStorage},
		{"server timeout", grpcErr(codes.DeadlineExceeded), true, false, false, eventstore.ErrStorage},
		{"aborted", grpcErr(codes.Aborted), true, false, false, eventstore.ErrStorage},
		{"wrapped unavailable", fmt.Errorf("could not send: %w", grpcErr(codes.Unavailable)), true, true, false, eventstore.ErrStorage},
		{"unclassified client error around unavailable", esdbUnknown(grpcErr(codes.Unavailable)), true, false, false, eventstore.ErrStorage},
		{"access denied", grpcErr(codes.PermissionDenied), false, false, true, eventstore.ErrStorage},
		{"unauthenticated", grpcErr(codes.Unauthenticated), false, false, true, eventstore.ErrStorage},
		{"invalid argument", grpcErr(codes.InvalidArgument), false, false, true, eventstore.ErrStorage},
		{"caller cancelled", context.Canceled, false, false, false, context.Canceled},
		{"caller deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), false, false, false, context.DeadlineExceeded},
		{"store closed", eventstore.ErrClosed, false, false, true, eventstore.ErrClosed},
		{"damaged envelope", fmt.Errorf("%w: s@1", errEnvelope), false, false, true, errEnvelope},
		{"plain error", errors.New("boom"), false, false, false, eventstore.ErrStorage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.transient, transient(c.err), "transient")
			require.Equal(t, c.renew, needsRenew(c.err), "renew")
			require.Equal(t, c.permanentForSubs, permanent(c.err), "permanent")
			require.ErrorIs(t, mapErr("read s", c.err), c.mapsTo)
		})
	}
}

func TestAppendSizeRefusalIsAnInvalidEvent(t *testing.T) {
	err := mapAppendErr("s", esdbUnknown(status.Error(codes.InvalidArgument, "Maximum Append Size of 1048576 Exceeded.")))
	require.ErrorIs(t, err, eventstore.ErrInvalidEvent)
	require.ErrorIs(t, mapAppendErr("s", status.Error(codes.Unavailable, "down")), eventstore.ErrStorage)
}

func TestRetryStopsOnSuccessPermanentFailureTriesOrContext(t *testing.T) {
	r := retry{first: time.Millisecond, max: 2 * time.Millisecond, tries: 4}
	calls := 0
	down := status.Error(codes.Unavailable, "down")
	err := r.do(context.Background(), func() error {
		calls++
		if calls < 3 {
			return down
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, calls)

	calls = 0
	require.ErrorIs(t, r.do(context.Background(), func() error { calls++; return down }), down)
	require.Equal(t, 4, calls, "bounded")

	calls = 0
	boom := errors.New("boom")
	require.ErrorIs(t, r.do(context.Background(), func() error { calls++; return boom }), boom)
	require.Equal(t, 1, calls, "permanent failures are not retried")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := retry{first: time.Hour, max: time.Hour, tries: 3}
	err = slow.do(ctx, func() error { return down })
	require.ErrorIs(t, err, context.Canceled)
	require.Contains(t, err.Error(), "down", "the last failure is kept in the message")
}

package kurrent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pathway-ledger/ledger/eventstore"
)

// esdbCode is the client's classification of err, if err is (or wraps) an *esdb.Error.
func esdbCode(err error) (esdb.ErrorCode, bool) {
	var e *esdb.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// grpcCode is the gRPC status of err. The v4.2.0 client hands some failures over raw
// (a read that fails before its first message, a dropped subscription).
func grpcCode(err error) (codes.Code, bool) {
	var s interface{ GRPCStatus() *status.Status }
	if errors.As(err, &s) {
		return s.GRPCStatus().Code(), true
	}
	return codes.OK, false
}

// transient reports a failure that a later attempt can get past: an unavailable or
// restarting node, a leader election, a call the server aborted or timed out, a client
// that closed itself after a failed discovery (conn renews it). The caller's own
// context ending is never transient.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, errSaturated) {
		return true
	}
	if code, ok := esdbCode(err); ok {
		switch code {
		case esdb.ErrorUnavailable, esdb.ErrorCodeNotLeader, esdb.ErrorCodeDeadlineExceeded,
			esdb.ErrorAborted, esdb.ErrorCodeConnectionClosed:
			return true
		case esdb.ErrorCodeUnknown:
		default:
			return false
		}
	}
	if code, ok := grpcCode(err); ok {
		switch code {
		case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted:
			return true
		}
	}
	return false
}

// needsRenew reports a failure after which the client will not reconnect by itself:
// it closed itself, or a call failed unavailable without passing through the client's
// error handling (the only path that starts its rediscovery).
func needsRenew(err error) bool {
	if code, ok := esdbCode(err); ok {
		return code == esdb.ErrorCodeConnectionClosed
	}
	code, ok := grpcCode(err)
	return ok && code == codes.Unavailable
}

// permanent reports a subscription failure that resubscribing cannot cure.
func permanent(err error) bool {
	if errors.Is(err, eventstore.ErrClosed) || errors.Is(err, errEnvelope) {
		return true
	}
	if code, ok := esdbCode(err); ok {
		switch code {
		case esdb.ErrorCodeAccessDenied, esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeUnsupportedFeature:
			return true
		}
	}
	if code, ok := grpcCode(err); ok {
		switch code {
		case codes.PermissionDenied, codes.Unauthenticated, codes.Unimplemented, codes.InvalidArgument:
			return true
		}
	}
	return false
}

// mapErr turns a client failure into the eventstore contract's errors.
func mapErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, eventstore.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("kurrent %s: %w", what, err)
	}
	if code, ok := esdbCode(err); ok {
		switch code {
		case esdb.ErrorCodeResourceNotFound:
			return fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, what)
		case esdb.ErrorCodeStreamDeleted:
			return fmt.Errorf("%w: kurrent %s: the stream was deleted outside the ledger", eventstore.ErrStorage, what)
		}
	}
	return fmt.Errorf("%w: kurrent %s: %w", eventstore.ErrStorage, what, err)
}

// retry paces repeated attempts at one operation.
type retry struct {
	first, max time.Duration
	tries      int
}

// defaultRetry spans about 11 seconds: longer than a KurrentDB leader election.
var defaultRetry = retry{first: 100 * time.Millisecond, max: 2 * time.Second, tries: 10}

// do runs fn until it succeeds, fails for good, or the tries or ctx run out.
func (r retry) do(ctx context.Context, fn func() error) error {
	delay := r.first
	for try := 1; ; try++ {
		err := fn()
		if err == nil || !transient(err) || try >= r.tries {
			return err
		}
		if !sleep(ctx, delay) {
			return fmt.Errorf("%w (last failure: %v)", ctx.Err(), err)
		}
		delay = min(2*delay, r.max)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

package kurrent

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pathway-ledger/ledger/eventstore"
)

// testConn builds a conn on an address nothing listens on: esdb.NewClient does not
// connect, and these tests never let an op reach the client.
func testConn(t *testing.T) *conn {
	cfg, err := esdb.ParseConnectionString("esdb://127.0.0.1:1?tls=false")
	require.NoError(t, err)
	cfg.Logger = esdb.NoopLogging()
	c, err := newConn(cfg)
	require.NoError(t, err)
	t.Cleanup(c.close)
	return c
}

func failWith(err error) func(context.Context, *esdb.Client) (int, error) {
	return func(context.Context, *esdb.Client) (int, error) { return 0, err }
}

func TestFailuresTheClientCannotRecoverFromRenewIt(t *testing.T) {
	cases := []struct {
		name  string
		err   error
		renew bool
	}{
		{"raw unavailable (read failing before its first message)", status.Error(codes.Unavailable, "down"), true},
		{"wrapped raw unavailable", fmt.Errorf("read: %w", status.Error(codes.Unavailable, "down")), true},
		{"raw deadline", status.Error(codes.DeadlineExceeded, "slow"), false},
		{"not found", status.Error(codes.NotFound, "x"), false},
		{"unclassified client error", esdbUnknown(errors.New("boom")), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cn := testConn(t)
			before := cn.cur
			_, err := within(context.Background(), cn, failWith(c.err), nil)
			require.ErrorIs(t, err, c.err)
			require.Equal(t, c.renew, cn.cur != before)
		})
	}
}

func esdbUnknown(err error) error {
	e, _ := esdb.FromError(err)
	return e
}

func TestOldClientIsClosedOnlyAfterItsLastCall(t *testing.T) {
	c := testConn(t)
	h, err := c.acquire()
	require.NoError(t, err)
	c.renew(h)
	require.NotSame(t, h, c.cur)
	require.True(t, h.retired)
	require.Equal(t, 1, h.refs, "still in use: not closed")
	c.renew(h)
	require.Equal(t, 1, h.refs)
	c.release(h)
	require.Equal(t, 0, h.refs)
}

func TestWithinReturnsWhenTheCallerGivesUp(t *testing.T) {
	c := testConn(t)
	release := make(chan struct{})
	abandoned := make(chan int, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := within(ctx, c, func(context.Context, *esdb.Client) (int, error) {
		<-release // a client stuck in discovery ignores ctx
		return 42, nil
	}, func(v int) { abandoned <- v })
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
	close(release)
	select {
	case v := <-abandoned:
		require.Equal(t, 42, v, "the late result is disposed of")
	case <-time.After(5 * time.Second):
		t.Fatal("late result not abandoned")
	}
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.cur.refs == 0
	}, 5*time.Second, 10*time.Millisecond, "the call released its client")
}

func TestClosedConnRefusesCalls(t *testing.T) {
	c := testConn(t)
	c.close()
	_, err := within(context.Background(), c, failWith(nil), nil)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	c.close()
}

func TestCallsBeyondTheBoundFailTransiently(t *testing.T) {
	c := testConn(t)
	c.mu.Lock()
	c.cur.refs = maxInFlight
	c.mu.Unlock()
	_, err := within(context.Background(), c, failWith(nil), nil)
	require.ErrorIs(t, err, errSaturated)
	require.True(t, transient(err))
	c.mu.Lock()
	c.cur.refs = 0
	c.mu.Unlock()
}

package kurrent

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pathway-ledger/ledger/eventstore"
)

// scriptFeed plays a list of subscription messages, then blocks until closed (a live
// subscription with nothing new) or reports a drop when the script says so.
type scriptFeed struct {
	msgs   []*esdb.SubscriptionEvent
	gate   chan struct{} // if set, nothing is played before it closes
	closed chan struct{}
	once   sync.Once
}

func newScript(msgs ...*esdb.SubscriptionEvent) *scriptFeed {
	return &scriptFeed{msgs: msgs, closed: make(chan struct{})}
}

func (f *scriptFeed) Recv() *esdb.SubscriptionEvent {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-f.closed:
			return dropped(errors.New("closed"))
		}
	}
	if len(f.msgs) > 0 {
		m := f.msgs[0]
		f.msgs = f.msgs[1:]
		return m
	}
	<-f.closed
	return dropped(errors.New("closed"))
}

func (f *scriptFeed) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

func dropped(err error) *esdb.SubscriptionEvent {
	return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: err}}
}

func checkpoint(pos uint64) *esdb.SubscriptionEvent {
	return &esdb.SubscriptionEvent{CheckPointReached: &esdb.Position{Commit: pos, Prepare: pos}}
}

func appeared(t *testing.T, e eventstore.Event) *esdb.SubscriptionEvent {
	meta, err := encodeMetadata(&e)
	require.NoError(t, err)
	return record(e.Stream, e.Type, e.StreamVersion, e.Position, e.Data, meta)
}

func record(stream, typ string, number, pos uint64, data, meta []byte) *esdb.SubscriptionEvent {
	return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: &esdb.RecordedEvent{
		EventType: typ, StreamID: stream, EventNumber: number,
		Position: esdb.Position{Commit: pos, Prepare: pos}, Data: data, UserMetadata: meta}}}
}

// scripted returns an opener that hands out the feeds in turn (nil: the open fails)
// and records where each open started.
func scripted(feeds ...*scriptFeed) (opener, *[]esdb.AllPosition) {
	var mu sync.Mutex
	var from []esdb.AllPosition
	return func(_ context.Context, at esdb.AllPosition) (feed, error) {
		mu.Lock()
		defer mu.Unlock()
		from = append(from, at)
		if len(feeds) == 0 {
			return nil, status.Error(codes.Unavailable, "no more feeds")
		}
		f := feeds[0]
		feeds = feeds[1:]
		if f == nil {
			return nil, status.Error(codes.Unavailable, "leader election in progress")
		}
		return f, nil
	}, &from
}

var fastPace = retry{first: time.Millisecond, max: 4 * time.Millisecond}

func quiet(string, ...any) {}

// After a drop the subscription reopens after the later of the last delivered event
// and the last checkpoint; events a new feed repeats are not delivered twice.
func TestSubscriptionReopensAfterTheLastPositionPassed(t *testing.T) {
	evs := sealed("pathway-1", 4) // positions 100, 110, 120, 130
	open, from := scripted(
		newScript(appeared(t, evs[0]), appeared(t, evs[1]), dropped(status.Error(codes.Unavailable, "node lost"))),
		nil,
		newScript(appeared(t, evs[1]), checkpoint(115), dropped(status.Error(codes.Unavailable, "again"))),
		newScript(appeared(t, evs[2]), appeared(t, evs[3])),
	)
	sub := startSubscription(context.Background(), 0, open, fastPace, quiet)
	defer sub.Close()
	var got []string
	for i := 0; i < 4; i++ {
		e, err := sub.Recv(tctx(t))
		require.NoError(t, err)
		got = append(got, e.EventID)
	}
	require.Equal(t, []string{evs[0].EventID, evs[1].EventID, evs[2].EventID, evs[3].EventID}, got)
	require.Equal(t, []esdb.AllPosition{
		esdb.Start{},
		esdb.Position{Commit: 110, Prepare: 110},
		esdb.Position{Commit: 110, Prepare: 110},
		esdb.Position{Commit: 115, Prepare: 115},
	}, *from)
}

func TestSubscriptionStartsAfterTheGivenPosition(t *testing.T) {
	evs := sealed("pathway-1", 3)
	open, from := scripted(newScript(appeared(t, evs[1]), appeared(t, evs[2])))
	sub := startSubscription(context.Background(), evs[0].Position, open, fastPace, quiet)
	defer sub.Close()
	e, err := sub.Recv(tctx(t))
	require.NoError(t, err)
	require.Equal(t, evs[1], e)
	require.Equal(t, esdb.Position{Commit: 100, Prepare: 100}, (*from)[0])
	require.Len(t, *from, 1)
}

func TestSubscriptionSkipsSystemAndForeignRecords(t *testing.T) {
	evs := sealed("pathway-1", 2)
	open, _ := scripted(newScript(
		appeared(t, evs[0]),
		record("$stats-1", "$statsCollected", 0, 102, []byte(`{}`), nil),
		record("$ce-pathway", "$>", 0, 104, []byte(`0@pathway-1`), nil),
		record("orders-9", "OrderPlaced", 0, 106, []byte(`{}`), []byte(`{"$correlationId":"x"}`)),
		appeared(t, evs[1]),
	))
	sub := startSubscription(context.Background(), 0, open, fastPace, quiet)
	defer sub.Close()
	for _, want := range evs {
		e, err := sub.Recv(tctx(t))
		require.NoError(t, err)
		require.Equal(t, want, e)
	}
}

func TestSubscriptionEndsOnPermanentFailures(t *testing.T) {
	for _, c := range []struct {
		name string
		feed *scriptFeed
		want error
	}{
		{"access denied", newScript(dropped(status.Error(codes.PermissionDenied, "no $all for you"))), eventstore.ErrStorage},
		{"damaged envelope", newScript(record("pathway-1", "T", 0, 5, []byte(`{}`), []byte(`{"event_id":"a","hash":"b"}`))), errEnvelope},
	} {
		t.Run(c.name, func(t *testing.T) {
			open, from := scripted(c.feed, newScript())
			sub := startSubscription(context.Background(), 0, open, fastPace, quiet)
			defer sub.Close()
			_, err := sub.Recv(tctx(t))
			require.ErrorIs(t, err, c.want)
			_, err = sub.Recv(tctx(t))
			require.ErrorIs(t, err, c.want, "and stays ended")
			require.Len(t, *from, 1, "no resubscription")
		})
	}
}

func TestRecvTimeoutLosesNothing(t *testing.T) {
	evs := sealed("pathway-1", 1)
	live := newScript(appeared(t, evs[0]))
	live.gate = make(chan struct{})
	open, from := scripted(live)
	sub := startSubscription(context.Background(), 0, open, fastPace, quiet)
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := sub.Recv(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(live.gate)
	e, err := sub.Recv(tctx(t))
	require.NoError(t, err)
	require.Equal(t, evs[0], e)
	require.Len(t, *from, 1, "a caller's timeout does not touch the feed")
}

func TestCloseUnblocksRecvAndEndsTheFeed(t *testing.T) {
	live := newScript()
	open, _ := scripted(live)
	sub := startSubscription(context.Background(), 0, open, fastPace, quiet)
	got := make(chan error, 1)
	go func() {
		_, err := sub.Recv(context.Background())
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, sub.Close())
	select {
	case err := <-got:
		require.ErrorIs(t, err, eventstore.ErrClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("Recv still blocked")
	}
	select {
	case <-live.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("feed not closed")
	}
	_, err := sub.Recv(context.Background())
	require.ErrorIs(t, err, eventstore.ErrClosed)
}

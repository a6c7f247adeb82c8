package kurrent

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// feed is what a subscription needs of one live $all subscription of the client (an
// interface so that drops can be simulated in tests).
type feed interface {
	Recv() *esdb.SubscriptionEvent
	Close() error
}

// opener starts a feed of $all after from (exclusive).
type opener func(ctx context.Context, from esdb.AllPosition) (feed, error)

// resubscribe paces reopening a dropped feed; a feed that delivers something resets it.
var resubscribe = retry{first: 100 * time.Millisecond, max: 5 * time.Second}

// subscription delivers ledger events of $all from a pump goroutine, which reopens the
// feed after every drop: the v4.2.0 client does not resubscribe by itself.
type subscription struct {
	out     chan eventstore.Event
	done    chan struct{}
	err     error // why the pump stopped; set before done closes
	cancel  context.CancelFunc
	closed  atomic.Bool
	closing chan struct{}
	once    sync.Once
}

// Subscribe implements eventstore.Store with a server-side filtered subscription to
// $all (system event types excluded; system streams and events without a ledger
// envelope are dropped here). After a drop the subscription reopens from the last
// position it passed: the last event delivered or the last checkpoint the server sent,
// whichever is later. The server starts a subscription strictly after that position,
// so nothing is skipped or delivered twice. Transient failures are retried for as long
// as the subscription is open; access refused, or a damaged ledger envelope, ends it
// and Recv returns the error.
func (s *Store) Subscribe(ctx context.Context, after uint64) (eventstore.Subscription, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return startSubscription(s.done, after, s.openFeed, resubscribe, s.log.Warn), nil
}

func startSubscription(parent context.Context, after uint64, open opener, pace retry, warn func(string, ...any)) *subscription {
	ctx, cancel := context.WithCancel(parent)
	sub := &subscription{out: make(chan eventstore.Event, 256), done: make(chan struct{}), cancel: cancel,
		closing: make(chan struct{})}
	go sub.pump(ctx, after, open, pace, warn)
	return sub
}

func (sub *subscription) pump(ctx context.Context, after uint64, open opener, pace retry, warn func(string, ...any)) {
	defer close(sub.done)
	resume := allFrom(after)
	delivered := after
	delay := pace.first
	for {
		f, err := open(ctx, resume)
		if err == nil {
			// Closing the feed is what ends a Recv blocked in it.
			stop := context.AfterFunc(ctx, func() { _ = f.Close() })
			err = sub.drain(ctx, f, &resume, &delivered, &delay, pace.first)
			stop()
			_ = f.Close()
		}
		switch {
		case ctx.Err() != nil:
			sub.err = eventstore.ErrClosed
			return
		case permanent(err):
			sub.err = mapErr("subscribe to $all", err)
			return
		}
		warn("kurrent: $all subscription dropped; resubscribing", "after", delivered, "in", delay, "err", err)
		if !sleep(ctx, delay) {
			sub.err = eventstore.ErrClosed
			return
		}
		delay = min(2*delay, pace.max)
	}
}

// drain delivers a feed's events until it drops, moving resume past every event and
// checkpoint it passes.
func (sub *subscription) drain(ctx context.Context, f feed, resume *esdb.AllPosition, delivered *uint64, delay *time.Duration, first time.Duration) error {
	for {
		ev := f.Recv()
		switch {
		case ev == nil:
			return errors.New("kurrent: subscription ended")
		case ev.SubscriptionDropped != nil:
			if ev.SubscriptionDropped.Error != nil {
				return ev.SubscriptionDropped.Error
			}
			return errors.New("kurrent: subscription dropped")
		case ev.CheckPointReached != nil:
			*delay = first
			if cp := *ev.CheckPointReached; cp.Commit > commitOf(*resume) {
				*resume = cp
			}
		case ev.EventAppeared != nil:
			*delay = first
			r := ev.EventAppeared.OriginalEvent()
			if r == nil || r.Position.Commit <= *delivered {
				continue
			}
			*resume = r.Position
			e, ok, err := ledgerEvent(r)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			select {
			case sub.out <- e:
				*delivered = e.Position
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

func commitOf(p esdb.AllPosition) uint64 {
	if pos, ok := p.(esdb.Position); ok {
		return pos.Commit
	}
	return 0
}

// Recv implements eventstore.Subscription.
func (sub *subscription) Recv(ctx context.Context) (eventstore.Event, error) {
	if sub.closed.Load() {
		return eventstore.Event{}, eventstore.ErrClosed
	}
	select {
	case e := <-sub.out:
		if sub.closed.Load() {
			return eventstore.Event{}, eventstore.ErrClosed
		}
		return e, nil
	case <-sub.done:
		if sub.closed.Load() {
			return eventstore.Event{}, eventstore.ErrClosed
		}
		select {
		case e := <-sub.out:
			return e, nil
		default:
			return eventstore.Event{}, sub.err
		}
	case <-sub.closing:
		return eventstore.Event{}, eventstore.ErrClosed
	case <-ctx.Done():
		return eventstore.Event{}, ctx.Err()
	}
}

// Close implements eventstore.Subscription; a Recv in progress returns ErrClosed.
func (sub *subscription) Close() error {
	sub.once.Do(func() {
		sub.closed.Store(true)
		close(sub.closing)
		sub.cancel()
	})
	return nil
}

// openFeed subscribes to $all after from. The subscription keeps its client until
// it is closed; a drop the client will not recover from renews the client.
func (s *Store) openFeed(ctx context.Context, from esdb.AllPosition) (feed, error) {
	opts := esdb.SubscribeToAllOptions{From: from, Filter: esdb.ExcludeSystemEventsFilter(),
		MaxSearchWindow: 128, CheckpointInterval: 1}
	sub, h, err := call(ctx, s.conn, func(ctx context.Context, cl *esdb.Client) (*esdb.Subscription, error) {
		return cl.SubscribeToAll(ctx, opts)
	}, func(sub *esdb.Subscription) { _ = sub.Close() }, true)
	if err != nil {
		return nil, err
	}
	return &heldFeed{sub: sub, conn: s.conn, h: h}, nil
}

// heldFeed is a client subscription that holds its client generation.
type heldFeed struct {
	sub  *esdb.Subscription
	conn *conn
	h    *handle
	once sync.Once
}

func (f *heldFeed) Recv() *esdb.SubscriptionEvent {
	ev := f.sub.Recv()
	if ev != nil && ev.SubscriptionDropped != nil && needsRenew(ev.SubscriptionDropped.Error) {
		f.conn.renew(f.h)
	}
	return ev
}

func (f *heldFeed) Close() error {
	f.once.Do(func() {
		_ = f.sub.Close()
		f.conn.release(f.h)
	})
	return nil
}

package kurrent

import (
	"context"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// feed is what a subscription needs from the client, so the resubscription logic can
// be tested without a server.
type feed interface {
	Recv() *esdb.SubscriptionEvent
	Close() error
}

type subscription struct {
	open   func(ctx context.Context, after uint64) (feed, error)
	after  uint64
	cur    feed
	closed bool
	// backoff between resubscription attempts.
	backoff time.Duration
}

// Subscribe implements eventstore.Store on a $all subscription filtered to non-system
// events. The v4.2.0 client does not resubscribe after a drop; Recv does, from the
// last delivered position, so the feed stays gap-free across drops.
func (s *Store) Subscribe(ctx context.Context, after uint64) (eventstore.Subscription, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	open := func(ctx context.Context, after uint64) (feed, error) {
		var from esdb.AllPosition = esdb.Start{}
		if after > 0 {
			from = esdb.Position{Commit: after, Prepare: after}
		}
		return s.client.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: from, Filter: esdb.ExcludeSystemEventsFilter()})
	}
	return &subscription{open: open, after: after, backoff: 200 * time.Millisecond}, nil
}

func (sub *subscription) Recv(ctx context.Context) (eventstore.Event, error) {
	delay := sub.backoff
	for {
		if sub.closed {
			return eventstore.Event{}, eventstore.ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return eventstore.Event{}, err
		}
		if sub.cur == nil {
			f, err := sub.open(ctx, sub.after)
			if err != nil {
				if !sleep(ctx, delay) {
					return eventstore.Event{}, ctx.Err()
				}
				delay = min(2*delay, 10*time.Second)
				continue
			}
			sub.cur, delay = f, sub.backoff
		}
		ev := recvCtx(ctx, sub.cur)
		switch {
		case ev == nil:
			return eventstore.Event{}, ctx.Err()
		case ev.SubscriptionDropped != nil:
			_ = sub.cur.Close()
			sub.cur = nil
		case ev.EventAppeared != nil:
			if e, ok := ours(ev.EventAppeared, sub.after); ok {
				sub.after = e.Position
				return e, nil
			}
		}
	}
}

// recvCtx waits for the feed or ctx; on ctx it closes the feed (the client's Recv
// has no context) and returns nil.
func recvCtx(ctx context.Context, f feed) *esdb.SubscriptionEvent {
	ch := make(chan *esdb.SubscriptionEvent, 1)
	go func() { ch <- f.Recv() }()
	select {
	case ev := <-ch:
		return ev
	case <-ctx.Done():
		_ = f.Close()
		return nil
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

func (sub *subscription) Close() error {
	sub.closed = true
	if sub.cur != nil {
		err := sub.cur.Close()
		sub.cur = nil
		return err
	}
	return nil
}

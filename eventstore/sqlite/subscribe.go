package sqlite

import (
	"context"
	"sync"

	"github.com/pathway-ledger/ledger/eventstore"
)

const subscriptionBatch = 1024

// subscription is read by one goroutine; Close may come from any.
type subscription struct {
	s         *Store
	after     uint64
	buf       []eventstore.Event
	i         int
	closed    chan struct{}
	closeOnce sync.Once
}

// Subscribe implements eventstore.Store: it reads the backlog in batches, then waits
// for commits. Positions are assigned by the single writer in commit order and
// published after the commit, so reading "after the last seen position" never skips.
func (s *Store) Subscribe(ctx context.Context, after uint64) (eventstore.Subscription, error) {
	if _, closed := s.waitCh(); closed {
		return nil, eventstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &subscription{s: s, after: after, closed: make(chan struct{})}, nil
}

func (sub *subscription) Recv(ctx context.Context) (eventstore.Event, error) {
	for {
		if sub.i < len(sub.buf) {
			e := sub.buf[sub.i]
			sub.i++
			sub.after = e.Position
			return e, nil
		}
		select {
		case <-sub.closed:
			return eventstore.Event{}, eventstore.ErrClosed
		default:
		}
		wait, closed := sub.s.waitCh()
		if closed {
			return eventstore.Event{}, eventstore.ErrClosed
		}
		evs, err := sub.s.ReadAll(ctx, sub.after, subscriptionBatch)
		if err != nil {
			return eventstore.Event{}, err
		}
		if len(evs) > 0 {
			sub.buf, sub.i = evs, 0
			continue
		}
		select {
		case <-wait:
		case <-sub.closed:
			return eventstore.Event{}, eventstore.ErrClosed
		case <-ctx.Done():
			return eventstore.Event{}, ctx.Err()
		}
	}
}

func (sub *subscription) Close() error {
	sub.closeOnce.Do(func() { close(sub.closed) })
	return nil
}

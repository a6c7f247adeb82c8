package memstore

import (
	"context"

	"github.com/pathway-ledger/ledger/eventstore"
)

const refill = 256

type subscription struct {
	s      *Store
	gen    uint64
	after  uint64
	buf    []eventstore.Event
	i      int
	closed chan struct{}
}

// Subscribe implements eventstore.Store: the backlog in batches, then live events.
func (s *Store) Subscribe(ctx context.Context, after uint64) (eventstore.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	return &subscription{s: s, gen: s.dropGen, after: after, closed: make(chan struct{})}, nil
}

func (sub *subscription) Recv(ctx context.Context) (eventstore.Event, error) {
	for {
		select {
		case <-sub.closed:
			return eventstore.Event{}, eventstore.ErrClosed
		default:
		}
		if sub.i < len(sub.buf) {
			e := sub.buf[sub.i]
			sub.i++
			sub.after = e.Position
			return e, nil
		}
		wait, err := sub.fill()
		if err != nil {
			return eventstore.Event{}, err
		}
		if wait == nil {
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

// fill reads the next batch, or returns the channel to wait on when there is none.
func (sub *subscription) fill() (<-chan struct{}, error) {
	s := sub.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropGen != sub.gen {
		return nil, ErrDropped
	}
	evs, err := s.readAllLocked(sub.after, refill)
	if err != nil {
		return nil, err
	}
	if len(evs) > 0 {
		sub.buf, sub.i = evs, 0
		return nil, nil
	}
	return s.notify, nil
}

func (sub *subscription) Close() error {
	select {
	case <-sub.closed:
	default:
		close(sub.closed)
	}
	return nil
}

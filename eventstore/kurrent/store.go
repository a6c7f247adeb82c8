package kurrent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Store is the KurrentDB engine. It is safe for concurrent use.
type Store struct {
	client *esdb.Client
	closed atomic.Bool
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the cluster a store URL names.
func Open(ctx context.Context, url string) (*Store, error) {
	cs, err := ConnectionString(url)
	if err != nil {
		return nil, err
	}
	cfg, err := esdb.ParseConnectionString(cs)
	if err != nil {
		return nil, fmt.Errorf("kurrent: %w", err)
	}
	client, err := esdb.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: kurrent connect: %v", eventstore.ErrStorage, err)
	}
	return &Store{client: client}, nil
}

// Close ends the connection.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.client.Close()
}

func (s *Store) check() error {
	if s.closed.Load() {
		return eventstore.ErrClosed
	}
	return nil
}

// transient errors are retried: KurrentDB v4.2.0's client does not reconnect reads
// after a leader change, but the next call rediscovers the cluster, so a bounded
// retry with backoff covers an election.
func transient(err error) bool {
	var e *esdb.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case esdb.ErrorUnavailable, esdb.ErrorCodeNotLeader, esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeDeadlineExceeded, esdb.ErrorAborted:
		return true
	}
	return false
}

func retry[T any](ctx context.Context, op func() (T, error)) (T, error) {
	var zero T
	delay := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		v, err := op()
		if err == nil || !transient(err) || attempt == 4 {
			return v, err
		}
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-time.After(delay):
			delay *= 2
		}
	}
}

func mapErr(what string, err error) error {
	var e *esdb.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case esdb.ErrorCodeResourceNotFound, esdb.ErrorCodeStreamDeleted:
			return fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, what)
		}
	}
	return fmt.Errorf("%w: kurrent %s: %v", eventstore.ErrStorage, what, err)
}

// readStream reads events of one stream in the given direction.
func (s *Store) readStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) ([]eventstore.Event, error) {
	return retry(ctx, func() ([]eventstore.Event, error) {
		rs, err := s.client.ReadStream(ctx, stream, opts, count)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		var out []eventstore.Event
		for {
			re, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			e, err := fromResolved(re)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	})
}

func fromResolved(re *esdb.ResolvedEvent) (eventstore.Event, error) {
	r := re.OriginalEvent()
	return decodeEvent(r.StreamID, r.EventNumber, r.Position.Commit, r.EventType, r.Data, r.UserMetadata)
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, stream string, fromVersion uint64, limit int) ([]eventstore.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := eventstore.ValidateStream(stream); err != nil {
		return nil, err
	}
	count := uint64(limit)
	if limit <= 0 {
		count = ^uint64(0) >> 1
	}
	evs, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{From: esdb.Revision(fromVersion)}, count)
	if err != nil {
		return nil, mapErr("read "+stream, err)
	}
	if len(evs) == 0 && fromVersion == 0 {
		return nil, fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, stream)
	}
	return evs, nil
}

// ReadAll implements eventstore.Reader over $all, skipping system events and events
// that were not written by the ledger. Positions are commit positions: strictly
// increasing, not gap-free.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var from esdb.AllPosition = esdb.Start{}
	if after > 0 {
		from = esdb.Position{Commit: after, Prepare: after}
	}
	want := limit
	if want <= 0 {
		want = int(^uint(0) >> 1)
	}
	out, err := retry(ctx, func() ([]eventstore.Event, error) {
		rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{From: from}, uint64(min(want+64, 1<<20)))
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		var out []eventstore.Event
		for len(out) < want {
			re, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if e, ok := ours(re, after); ok {
				out = append(out, e)
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, mapErr("read $all", err)
	}
	if len(out) == 0 && limit > 0 {
		// A page of only system events: continue past it so callers that stop on an
		// empty page do not stop early.
		return s.readPastSystemEvents(ctx, after, limit)
	}
	return out, nil
}

// readPastSystemEvents scans forward until a ledger event or the end of $all.
func (s *Store) readPastSystemEvents(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	var from esdb.AllPosition = esdb.Start{}
	if after > 0 {
		from = esdb.Position{Commit: after, Prepare: after}
	}
	rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{From: from}, ^uint64(0)>>1)
	if err != nil {
		return nil, mapErr("read $all", err)
	}
	defer rs.Close()
	var out []eventstore.Event
	for len(out) < limit {
		re, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, mapErr("read $all", err)
		}
		if e, ok := ours(re, after); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// ours keeps ledger events after the given position.
func ours(re *esdb.ResolvedEvent, after uint64) (eventstore.Event, bool) {
	r := re.OriginalEvent()
	if r == nil || len(r.EventType) > 0 && r.EventType[0] == '$' || len(r.StreamID) > 0 && r.StreamID[0] == '$' {
		return eventstore.Event{}, false
	}
	if r.Position.Commit <= after {
		return eventstore.Event{}, false
	}
	e, err := fromResolved(re)
	if err != nil {
		return eventstore.Event{}, false
	}
	return e, true
}

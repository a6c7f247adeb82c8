package kurrent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Positions. Event.Position is the event's commit position in $all. KurrentDB (20.6 and
// later) commits every event of an append by itself, at its own log position, so the
// commit and prepare positions of an event are equal, unique, strictly increasing in
// $all order and the same whether the event is read from its stream or from $all. They
// are byte offsets in the transaction log: strictly increasing, never gap-free.

// allFrom is where a forward read or subscription of $all starts for "after".
func allFrom(after uint64) esdb.AllPosition {
	if after == 0 {
		return esdb.Start{}
	}
	return esdb.Position{Commit: after, Prepare: after}
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, stream string, fromVersion uint64, limit int) ([]eventstore.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := eventstore.ValidateStream(stream); err != nil {
		return nil, err
	}
	count := uint64(math.MaxInt64)
	if limit > 0 {
		count = uint64(limit)
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

// readStream reads one stream in either direction, retrying transient failures. Every
// event must carry a ledger envelope.
func (s *Store) readStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) ([]eventstore.Event, error) {
	var out []eventstore.Event
	err := s.retry.do(ctx, func() error {
		evs, err := within(ctx, s.conn, func(ctx context.Context, cl *esdb.Client) ([]eventstore.Event, error) {
			rs, err := cl.ReadStream(ctx, stream, opts, count)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			var evs []eventstore.Event
			for {
				re, err := rs.Recv()
				if errors.Is(err, io.EOF) {
					return evs, nil
				}
				if err != nil {
					return nil, err
				}
				r := re.OriginalEvent()
				e, err := decodeEvent(r.StreamID, r.EventNumber, r.Position.Commit, r.EventType, r.Data, r.UserMetadata)
				if err != nil {
					return nil, err
				}
				evs = append(evs, e)
			}
		}, nil)
		out = evs
		return err
	})
	return out, err
}

// tail reads up to n events at the stream's end, oldest first; none if the stream does
// not exist.
func (s *Store) tail(ctx context.Context, stream string, n uint64) ([]eventstore.Event, error) {
	evs, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, n)
	if code, ok := esdbCode(err); ok && code == esdb.ErrorCodeResourceNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("read "+stream, err)
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	return evs, nil
}

// span reads versions [from, from+n) of a stream, or fewer if it ends sooner.
func (s *Store) span(ctx context.Context, stream string, from, n uint64) ([]eventstore.Event, error) {
	evs, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{From: esdb.Revision(from)}, n)
	if code, ok := esdbCode(err); ok && code == esdb.ErrorCodeResourceNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("read "+stream, err)
	}
	return evs, nil
}

// ReadAll implements eventstore.Reader over $all. It skips KurrentDB's system events
// and events other writers put in other streams; a damaged ledger envelope is an error.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	want := limit
	if want <= 0 {
		want = math.MaxInt
	}
	var out []eventstore.Event
	cursor := allFrom(after)
	seen := after
	for len(out) < want {
		page := uint64(4096)
		if rest := want - len(out); rest < 2048 {
			page = uint64(max(2*rest, 64))
		}
		var got pageResult
		err := s.retry.do(ctx, func() error {
			var err error
			got, err = within(ctx, s.conn, func(ctx context.Context, cl *esdb.Client) (pageResult, error) {
				return readAllPage(ctx, cl, cursor, seen, page, want-len(out))
			}, nil)
			return err
		})
		if err != nil {
			return nil, mapErr("read $all", err)
		}
		out = append(out, got.events...)
		if got.end {
			break
		}
		cursor, seen = got.next, got.seen
	}
	return out, nil
}

type pageResult struct {
	events []eventstore.Event
	// next is the position of the last record read; seen its commit position.
	next esdb.Position
	seen uint64
	// end: the page reached the end of $all.
	end bool
}

// readAllPage reads up to n records of $all from cursor (inclusive) and keeps up to
// want ledger events after position seen.
func readAllPage(ctx context.Context, cl *esdb.Client, cursor esdb.AllPosition, seen, n uint64, want int) (pageResult, error) {
	rs, err := cl.ReadAll(ctx, esdb.ReadAllOptions{From: cursor}, n)
	if err != nil {
		return pageResult{}, err
	}
	defer rs.Close()
	res := pageResult{seen: seen}
	if p, ok := cursor.(esdb.Position); ok {
		res.next = p
	}
	var records uint64
	for len(res.events) < want {
		re, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			res.end = records < n
			return res, nil
		}
		if err != nil {
			return pageResult{}, err
		}
		records++
		r := re.OriginalEvent()
		if r == nil || r.Position.Commit <= res.seen {
			continue
		}
		res.next, res.seen = r.Position, r.Position.Commit
		e, ok, err := ledgerEvent(r)
		if err != nil {
			return pageResult{}, err
		}
		if ok {
			res.events = append(res.events, e)
		}
	}
	return res, nil
}

// ledgerEvent decodes a record of $all: ok is false for KurrentDB system records ($
// streams or types) and for events without a ledger envelope.
func ledgerEvent(r *esdb.RecordedEvent) (eventstore.Event, bool, error) {
	if isSystem(r.StreamID) || isSystem(r.EventType) {
		return eventstore.Event{}, false, nil
	}
	e, err := decodeEvent(r.StreamID, r.EventNumber, r.Position.Commit, r.EventType, r.Data, r.UserMetadata)
	if errors.Is(err, errForeign) {
		return eventstore.Event{}, false, nil
	}
	if err != nil {
		return eventstore.Event{}, false, err
	}
	return e, true, nil
}

func isSystem(name string) bool { return len(name) > 0 && name[0] == '$' }

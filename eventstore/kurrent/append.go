package kurrent

import (
	"context"
	"errors"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// retriedWindow is how far back from a stream's end a re-sent append is looked for.
// KurrentDB has no index by event id, so an append re-sent after more than this many
// later events in the same stream is not recognised (see README).
const retriedWindow = 64

// Append implements eventstore.Store. The hash chain needs the stream's last hash, so
// every append is sent with the exact revision it was sealed on; when the caller
// asked for Any or StreamExists and another writer got in first, it re-reads and
// re-seals (bounded), so the chain can never fork.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.check(); err != nil {
		return eventstore.AppendResult{}, err
	}
	prepared, err := eventstore.Prepare(stream, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	for attempt := 0; attempt < 8; attempt++ {
		tail, err := s.tail(ctx, stream)
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		if res, done, err := retried(tail, stream, prepared); done || err != nil {
			return res, err
		}
		current := int64(-1)
		prevHash := ""
		if len(tail) > 0 {
			last := tail[len(tail)-1]
			current, prevHash = int64(last.StreamVersion), last.Hash
		}
		if !expected.Satisfied(current) {
			return eventstore.AppendResult{}, &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: current}
		}
		data, err := seal(stream, current, prevHash, prepared)
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		var rev esdb.ExpectedRevision = esdb.NoStream{}
		if current >= 0 {
			rev = esdb.StreamRevision{Value: uint64(current)}
		}
		wr, err := retry(ctx, func() (*esdb.WriteResult, error) {
			return s.client.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: rev}, data...)
		})
		var e *esdb.Error
		if errors.As(err, &e) && e.Code() == esdb.ErrorCodeWrongExpectedVersion {
			// Another writer got in first: re-read. The next round reports the actual
			// version to an Exact caller, or recognises our own earlier success.
			continue
		}
		if err != nil {
			return eventstore.AppendResult{}, mapErr("append to "+stream, err)
		}
		return eventstore.AppendResult{Version: wr.NextExpectedVersion, Position: wr.CommitPosition}, nil
	}
	return eventstore.AppendResult{}, fmt.Errorf("%w: stream %s: too much contention", eventstore.ErrWrongExpectedVersion, stream)
}

// tail reads up to retriedWindow events at the stream's end, oldest first.
func (s *Store) tail(ctx context.Context, stream string) ([]eventstore.Event, error) {
	evs, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, retriedWindow)
	var e *esdb.Error
	if errors.As(err, &e) && e.Code() == esdb.ErrorCodeResourceNotFound {
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

// retried recognises a re-sent append among the stream's last events.
func retried(tail []eventstore.Event, stream string, sent []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	for i := range tail {
		if tail[i].EventID != sent[0].EventID {
			continue
		}
		if len(tail)-i < len(sent) {
			return eventstore.AppendResult{}, false, fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, sent[0].EventID)
		}
		for k := range sent {
			if !eventstore.SameContent(&tail[i+k], &sent[k]) {
				return eventstore.AppendResult{}, false, fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, sent[k].EventID)
			}
		}
		last := tail[i+len(sent)-1]
		return eventstore.AppendResult{Version: last.StreamVersion, Position: last.Position}, true, nil
	}
	return eventstore.AppendResult{}, false, nil
}

// seal builds the KurrentDB events of an append following version current.
func seal(stream string, current int64, prevHash string, sent []eventstore.EventData) ([]esdb.EventData, error) {
	now := recordedAtNow()
	out := make([]esdb.EventData, len(sent))
	for i := range sent {
		ev := eventstore.NewEvent(stream, uint64(current+1+int64(i)), now, &sent[i])
		eventstore.Seal(prevHash, &ev)
		prevHash = ev.Hash
		meta, err := encodeMetadata(&ev)
		if err != nil {
			return nil, fmt.Errorf("kurrent: encode metadata: %w", err)
		}
		out[i] = esdb.EventData{EventID: ServerEventID(stream, ev.EventID), EventType: ev.Type,
			ContentType: esdb.ContentTypeJson, Data: ev.Data, Metadata: meta}
	}
	return out, nil
}

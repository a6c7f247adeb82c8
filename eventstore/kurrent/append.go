package kurrent

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	"github.com/pathway-ledger/ledger/eventstore"
)

// window is how many of a stream's last events an append reads: the last one is what
// the batch is sealed on, and a re-sent batch is recognised among all of them.
// KurrentDB has no index by event id, so a batch re-sent with Any or StreamExists after
// more than this many later events in its stream would be appended again (Exact and
// NoStream retries are recognised at any distance).
const window = 64

// maxRounds bounds how often an append re-reads the stream and re-seals its batch
// because another writer got in first (only Any and StreamExists appends go round).
const maxRounds = 32

// errRaced: the stream moved between reading its head and appending.
var errRaced = errors.New("kurrent: stream moved during the append")

// Append implements eventstore.Store.
//
// The hash chain needs the hash of the event the batch follows, so every append reads
// the stream's end, seals the batch on it and sends it with that exact revision: the
// chain can never fork, whatever the caller's expectation. If another writer got in
// first, the server refuses the revision and the append reads again: an Exact or
// NoStream caller then gets a WrongExpectedVersionError with the actual version; an Any
// or StreamExists batch is re-sealed on the new end.
//
// Retries are idempotent. The batch's KurrentDB ids are derived from stream, ledger
// event id and content (ServerEventID), so a re-sent batch carries the same ids. A batch
// found in the stream already (same ids, same content) answers with its original
// version and position without writing; the same ids with other content answer
// ErrIdempotencyConflict. A transient failure while sending (node unavailable, leader
// election, timeout) re-sends the same sealed batch at the same revision: if the first
// attempt was committed after all, KurrentDB recognises its ids at that revision and
// answers with the original result instead of writing twice.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.check(); err != nil {
		return eventstore.AppendResult{}, err
	}
	sent, err := eventstore.Prepare(stream, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	ids := make([]uuid.UUID, len(sent))
	for i := range sent {
		ids[i] = ServerEventID(stream, &sent[i])
	}
	current := int64(-1)
	racedAt := int64(-2)
	renewed := false
	for round := 0; round < maxRounds; round++ {
		if round > 0 && !sleep(ctx, time.Duration(rand.IntN(2*round+1))*time.Millisecond) {
			return eventstore.AppendResult{}, ctx.Err()
		}
		tail, err := s.tail(ctx, stream, window)
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		if res, found, err := s.resent(ctx, stream, tail, sent); found || err != nil {
			return res, err
		}
		var prevHash string
		current, prevHash = head(tail)
		if !expected.Satisfied(current) {
			if n, exact := expected.ExactVersion(); exact && current < int64(n) && !renewed {
				// The stream looks older than what the writer has seen. After a leader
				// change the v4.2.0 client stays on the old leader, now a follower that
				// may lag: reconnect (to the current leader) and look once more.
				renewed = true
				s.conn.renewCurrent()
				continue
			}
			return s.refuse(ctx, stream, expected, current, tail, sent)
		}
		batch, err := seal(stream, current, prevHash, sent, ids, s.now())
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		res, err := s.send(ctx, stream, current, batch)
		if errors.Is(err, errRaced) {
			if current == racedAt && !renewed {
				// The leader refused a revision our reads still show as the stream's
				// end twice: we are reading from a lagging node. Reconnect.
				renewed = true
				s.conn.renewCurrent()
			}
			racedAt = current
			continue
		}
		return res, err
	}
	return eventstore.AppendResult{}, &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: current}
}

// head is the version and hash of the last event read (-1 and "" for no stream).
func head(tail []eventstore.Event) (int64, string) {
	if len(tail) == 0 {
		return -1, ""
	}
	last := tail[len(tail)-1]
	return int64(last.StreamVersion), last.Hash
}

// resent looks for the batch among the stream's last events (or, when the batch would
// start before them, reads where it would be). found with a nil error means it is
// stored already and res is its original result.
func (s *Store) resent(ctx context.Context, stream string, tail []eventstore.Event, sent []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	start, found, err := locate(tail, sent)
	if !found || err != nil {
		return eventstore.AppendResult{}, found, err
	}
	stored := covering(tail, start, len(sent))
	if stored == nil {
		if stored, err = s.span(ctx, stream, start, uint64(len(sent))); err != nil {
			return eventstore.AppendResult{}, false, err
		}
	}
	res, err := match(stream, stored, sent)
	return res, true, err
}

// refuse answers an append whose expectation the stream does not meet, unless the
// batch is stored where the expectation puts it (a retry arriving after more than a
// window of later events).
func (s *Store) refuse(ctx context.Context, stream string, expected eventstore.ExpectedVersion, current int64, tail []eventstore.Event, sent []eventstore.EventData) (eventstore.AppendResult, error) {
	wrong := &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: current}
	var at uint64
	if n, exact := expected.ExactVersion(); exact {
		at = n + 1
	} else if !expected.IsNoStream() {
		return eventstore.AppendResult{}, wrong
	}
	if int64(at) > current || (len(tail) > 0 && at >= tail[0].StreamVersion) {
		return eventstore.AppendResult{}, wrong
	}
	stored, err := s.span(ctx, stream, at, uint64(len(sent)))
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(stored) == 0 || stored[0].EventID != sent[0].EventID {
		return eventstore.AppendResult{}, wrong
	}
	return match(stream, stored, sent)
}

// locate finds the version at which a stored copy of the batch starts: the first event
// among evs whose id is one of the batch's places the batch.
func locate(evs []eventstore.Event, sent []eventstore.EventData) (uint64, bool, error) {
	index := make(map[string]int, len(sent))
	for i := range sent {
		index[sent[i].EventID] = i
	}
	for k := range evs {
		i, ok := index[evs[k].EventID]
		if !ok {
			continue
		}
		if evs[k].StreamVersion < uint64(i) {
			return 0, true, fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, sent[i].EventID)
		}
		return evs[k].StreamVersion - uint64(i), true, nil
	}
	return 0, false, nil
}

// covering returns the n events from version start if evs (consecutive versions) holds
// them all.
func covering(evs []eventstore.Event, start uint64, n int) []eventstore.Event {
	if len(evs) == 0 || start < evs[0].StreamVersion {
		return nil
	}
	off := start - evs[0].StreamVersion
	if off+uint64(n) > uint64(len(evs)) {
		return nil
	}
	return evs[off : off+uint64(n)]
}

// match checks that stored holds exactly the sent batch and returns its result.
func match(stream string, stored []eventstore.Event, sent []eventstore.EventData) (eventstore.AppendResult, error) {
	for i := range sent {
		if i >= len(stored) || !eventstore.SameContent(&stored[i], &sent[i]) {
			return eventstore.AppendResult{}, fmt.Errorf("%w: event %s in stream %s", eventstore.ErrIdempotencyConflict, sent[i].EventID, stream)
		}
	}
	last := stored[len(sent)-1]
	return eventstore.AppendResult{Version: last.StreamVersion, Position: last.Position}, nil
}

// seal builds the KurrentDB events of a batch that follows version current.
func seal(stream string, current int64, prevHash string, sent []eventstore.EventData, ids []uuid.UUID, now time.Time) ([]esdb.EventData, error) {
	out := make([]esdb.EventData, len(sent))
	for i := range sent {
		ev := eventstore.NewEvent(stream, uint64(current+1+int64(i)), now, &sent[i])
		eventstore.Seal(prevHash, &ev)
		prevHash = ev.Hash
		meta, err := encodeMetadata(&ev)
		if err != nil {
			return nil, fmt.Errorf("kurrent: encode metadata: %w", err)
		}
		out[i] = esdb.EventData{EventID: ids[i], EventType: ev.Type, ContentType: esdb.ContentTypeJson,
			Data: ev.Data, Metadata: meta}
	}
	return out, nil
}

// expectedRevision is the revision a batch sealed on version current is sent with.
func expectedRevision(current int64) esdb.ExpectedRevision {
	if current < 0 {
		return esdb.NoStream{}
	}
	return esdb.StreamRevision{Value: uint64(current)}
}

// send appends a sealed batch at revision current. Transient failures re-send the same
// batch (same ids, same revision), which KurrentDB answers idempotently if an earlier
// attempt was committed. errRaced: another writer moved the stream first.
func (s *Store) send(ctx context.Context, stream string, current int64, batch []esdb.EventData) (eventstore.AppendResult, error) {
	opts := esdb.AppendToStreamOptions{ExpectedRevision: expectedRevision(current)}
	var wr *esdb.WriteResult
	err := s.retry.do(ctx, func() error {
		var err error
		wr, err = within(ctx, s.conn, func(ctx context.Context, cl *esdb.Client) (*esdb.WriteResult, error) {
			return cl.AppendToStream(ctx, stream, opts, batch...)
		}, nil)
		return err
	})
	if code, ok := esdbCode(err); ok && code == esdb.ErrorCodeWrongExpectedVersion {
		return eventstore.AppendResult{}, errRaced
	}
	if err != nil {
		return eventstore.AppendResult{}, mapAppendErr(stream, err)
	}
	last := uint64(current + int64(len(batch)))
	if wr.NextExpectedVersion != last {
		return eventstore.AppendResult{}, fmt.Errorf("%w: kurrent append to %s: stored at version %d, sealed for %d: the stream was deleted or truncated outside the ledger",
			eventstore.ErrStorage, stream, wr.NextExpectedVersion, last)
	}
	if wr.CommitPosition != 0 {
		return eventstore.AppendResult{Version: last, Position: wr.CommitPosition}, nil
	}
	// The server gave no position (it may not for an append it recognised as a retry):
	// read it back.
	stored, err := s.span(ctx, stream, last, 1)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(stored) == 0 {
		return eventstore.AppendResult{}, fmt.Errorf("%w: kurrent append to %s: version %d not readable after the append", eventstore.ErrStorage, stream, last)
	}
	return eventstore.AppendResult{Version: last, Position: stored[0].Position}, nil
}

// mapAppendErr maps an append failure; the server refuses an append over its size
// limits (MaxAppendSize, MaxAppendEventSize) as an invalid argument.
func mapAppendErr(stream string, err error) error {
	if code, ok := grpcCode(err); ok && code == codes.InvalidArgument {
		return fmt.Errorf("%w: %v", &eventstore.InvalidEventError{Field: "events", Rule: "refused by KurrentDB (size limits)"}, err)
	}
	return mapErr("append to "+stream, err)
}

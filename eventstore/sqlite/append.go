package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

type appendReq struct {
	stream   string
	expected eventstore.ExpectedVersion
	events   []eventstore.EventData
	res      chan appendRes
}

type appendRes struct {
	r   eventstore.AppendResult
	err error
}

type writerStmts struct {
	head, byID, insert *sql.Stmt
}

func (w *writerStmts) close() {
	for _, st := range []*sql.Stmt{w.head, w.byID, w.insert} {
		if st != nil {
			st.Close()
		}
	}
}

func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.stmts.head, err = s.wconn.PrepareContext(ctx,
		`SELECT stream_version, hash FROM events WHERE stream = ? ORDER BY stream_version DESC LIMIT 1`); err != nil {
		return err
	}
	if s.stmts.byID, err = s.wconn.PrepareContext(ctx, `SELECT `+columns+` FROM events WHERE event_id = ?`); err != nil {
		return err
	}
	s.stmts.insert, err = s.wconn.PrepareContext(ctx, `INSERT INTO events (`+columns+
		`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	return err
}

// Append implements eventstore.Store. The events are validated, queued for the single
// writer, committed with whatever other appends arrived meanwhile (one fsync for
// all), and acknowledged only after that commit is durable.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	prepared, err := eventstore.Prepare(stream, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	req := &appendReq{stream: stream, expected: expected, events: prepared, res: make(chan appendRes, 1)}
	// The read lock orders this send before Close, so the writer's final drain sees
	// every queued request and none waits forever.
	s.sendMu.RLock()
	if _, closed := s.waitCh(); closed {
		s.sendMu.RUnlock()
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	select {
	case s.reqs <- req:
		s.sendMu.RUnlock()
	case <-ctx.Done():
		s.sendMu.RUnlock()
		return eventstore.AppendResult{}, ctx.Err()
	}
	// Once queued, the append is decided by the writer; waiting for it even if ctx
	// ends keeps the answer truthful (a retry with the same ids is then idempotent).
	r := <-req.res
	return r.r, r.err
}

func (s *Store) writer() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			s.drain()
			return
		case first := <-s.reqs:
			batch := []*appendReq{first}
			n := len(first.events)
		fill:
			for len(batch) < s.opts.maxBatch && n < eventstore.MaxEventsPerAppend {
				select {
				case r := <-s.reqs:
					batch = append(batch, r)
					n += len(r.events)
				default:
					break fill
				}
			}
			s.commit(batch)
		}
	}
}

// drain commits appends queued before Close; later ones were refused by Append.
func (s *Store) drain() {
	for {
		select {
		case r := <-s.reqs:
			s.commit([]*appendReq{r})
		default:
			return
		}
	}
}

type streamHead struct {
	version int64
	hash    string
}

// commit writes a batch in one transaction. An append refused by its own rules
// (version, idempotency) rolls back to its savepoint and leaves the rest; a storage
// failure rolls back everything and fails the whole batch, so nothing is half-written.
func (s *Store) commit(batch []*appendReq) {
	ctx := context.Background()
	results := make([]appendRes, len(batch))
	head := s.head
	fail := func(err error) {
		_, _ = s.wconn.ExecContext(ctx, `ROLLBACK`)
		for _, r := range batch {
			r.res <- appendRes{err: err}
		}
	}
	if _, err := s.wconn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		fail(storageErr("begin", err))
		return
	}
	now := s.opts.now()
	heads := map[string]streamHead{}
	// A lone append needs no savepoint: refusing it rolls back the transaction.
	savepoints := len(batch) > 1
	for i, r := range batch {
		if !savepoints {
			res, next, err := s.apply(ctx, r, head, now, heads)
			if err != nil {
				fail(err)
				return
			}
			head, results[i] = next, appendRes{r: res}
			continue
		}
		if _, err := s.wconn.ExecContext(ctx, `SAVEPOINT a`); err != nil {
			fail(storageErr("savepoint", err))
			return
		}
		res, next, err := s.apply(ctx, r, head, now, heads)
		if err != nil && errors.Is(err, eventstore.ErrStorage) {
			fail(err)
			return
		}
		if err != nil {
			if _, rerr := s.wconn.ExecContext(ctx, `ROLLBACK TO a`); rerr != nil {
				fail(storageErr("rollback to savepoint", rerr))
				return
			}
			delete(heads, r.stream)
		} else {
			head = next
		}
		if _, rerr := s.wconn.ExecContext(ctx, `RELEASE a`); rerr != nil {
			fail(storageErr("release savepoint", rerr))
			return
		}
		results[i] = appendRes{r: res, err: err}
	}
	if _, err := s.wconn.ExecContext(ctx, `COMMIT`); err != nil {
		fail(storageErr("commit", err))
		return
	}
	if head != s.head {
		s.published(head)
	}
	for i, r := range batch {
		r.res <- results[i]
	}
}

// apply performs one append inside the open transaction and returns the new head.
func (s *Store) apply(ctx context.Context, r *appendReq, head uint64, now time.Time, heads map[string]streamHead) (eventstore.AppendResult, uint64, error) {
	if res, done, err := s.retried(ctx, r); done || err != nil {
		return res, head, err
	}
	h, ok := heads[r.stream]
	if !ok {
		h = streamHead{version: -1}
		err := s.stmts.head.QueryRowContext(ctx, r.stream).Scan(&h.version, &h.hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return eventstore.AppendResult{}, head, storageErr("read stream head", err)
		}
	}
	if !r.expected.Satisfied(h.version) {
		return eventstore.AppendResult{}, head, &eventstore.WrongExpectedVersionError{Stream: r.stream, Expected: r.expected, Actual: h.version}
	}
	for i := range r.events {
		head++
		h.version++
		ev := eventstore.NewEvent(r.stream, uint64(h.version), now, &r.events[i])
		eventstore.Seal(h.hash, &ev)
		_, err := s.stmts.insert.ExecContext(ctx, head, ev.Stream, ev.StreamVersion, ev.EventID, ev.Type,
			ev.SchemaVersion, ev.OccurredOn, eventstore.FormatRecordedAt(ev.RecordedAt), ev.Actor.User,
			ev.Actor.Role, ev.CorrelationID, ev.CausationID, ev.Reason, string(ev.Data), ev.PrevHash, ev.Hash)
		if err != nil {
			if strings.Contains(err.Error(), "events.event_id") {
				return eventstore.AppendResult{}, head, fmt.Errorf("%w: event %s is already stored elsewhere", eventstore.ErrIdempotencyConflict, ev.EventID)
			}
			return eventstore.AppendResult{}, head, storageErr("insert event", err)
		}
		h.hash = ev.Hash
	}
	heads[r.stream] = h
	return eventstore.AppendResult{Version: uint64(h.version), Position: head}, head, nil
}

// retried recognises a re-sent append: its first event id is already stored. It is
// the same append only if every event is stored, in order, in this stream, with the
// same content; then the original result is returned and nothing is written.
func (s *Store) retried(ctx context.Context, r *appendReq) (eventstore.AppendResult, bool, error) {
	first, err := scanEvent(s.stmts.byID.QueryRowContext(ctx, r.events[0].EventID))
	if errors.Is(err, sql.ErrNoRows) {
		return eventstore.AppendResult{}, false, nil
	}
	if err != nil {
		return eventstore.AppendResult{}, false, storageErr("look up event id", err)
	}
	conflict := fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, r.events[0].EventID)
	if first.Stream != r.stream {
		return eventstore.AppendResult{}, false, conflict
	}
	var last eventstore.Event
	for i := range r.events {
		e, err := scanEvent(s.stmts.byID.QueryRowContext(ctx, r.events[i].EventID))
		if errors.Is(err, sql.ErrNoRows) {
			return eventstore.AppendResult{}, false, conflict
		}
		if err != nil {
			return eventstore.AppendResult{}, false, storageErr("look up event id", err)
		}
		if e.Stream != r.stream || e.StreamVersion != first.StreamVersion+uint64(i) || !eventstore.SameContent(&e, &r.events[i]) {
			return eventstore.AppendResult{}, false, conflict
		}
		last = e
	}
	return eventstore.AppendResult{Version: last.StreamVersion, Position: last.Position}, true, nil
}

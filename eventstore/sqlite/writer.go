package sqlite

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// writer is the single write connection and its statements; only the write loop
// uses it.
type writer struct {
	conn                            *lite.Conn
	begin, commit, rollback, insert *lite.Stmt
	head, byID, last                *lite.Stmt
	ready                           bool
	dec                             decoder
	// heads remembers committed stream heads, so an append to a stream written
	// recently needs no lookup. Only this writer writes the file (the folder lock);
	// the cache is dropped after any failed transaction, so even a row inserted by
	// hand through sqlite3 costs one failed transaction, not a stuck stream.
	heads map[string]streamHead
}

// maxCachedHeads bounds the head cache (about 150 bytes an entry); a full cache is
// dropped and refilled by the streams written next.
const maxCachedHeads = 65536

func (w *writer) prepare() error {
	stmts := []struct {
		dst **lite.Stmt
		sql string
	}{
		{&w.begin, `BEGIN IMMEDIATE`},
		{&w.commit, `COMMIT`},
		{&w.rollback, `ROLLBACK`},
		{&w.insert, `INSERT OR ROLLBACK INTO events (` + columns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&w.head, `SELECT stream_version, hash FROM events WHERE stream = ? ORDER BY stream_version DESC LIMIT 1`},
		{&w.byID, `SELECT ` + columns + ` FROM events WHERE event_id = ?`},
		{&w.last, `SELECT COALESCE(MAX(position), 0) FROM events`},
	}
	for _, st := range stmts {
		var err error
		if *st.dst, err = w.conn.Prepare(st.sql); err != nil {
			return err
		}
	}
	w.ready = true
	return nil
}

func (w *writer) lastPosition() (uint64, error) {
	defer w.last.Reset()
	if _, err := w.last.Step(); err != nil {
		return 0, err
	}
	return uint64(w.last.Int64(0)), nil
}

type streamHead struct {
	version int64 // -1: no stream
	hash    string
}

// groupError is a failure that ends the whole transaction, not just one append.
type groupError struct{ err error }

func (g *groupError) Error() string { return g.err.Error() }
func (g *groupError) Unwrap() error { return g.err }

// run writes the appends src yields in one transaction starting after position
// head, and returns them with their results. An append refused by its own rules
// (expected version, a changed retry) gets its error in results and writes nothing;
// any other failure rolls the transaction back and is returned, with the appends
// taken so far.
func (w *writer) run(src source, head uint64, now time.Time) ([]*appendReq, []appendRes, uint64, error) {
	if err := w.begin.Exec(); err != nil {
		w.abort()
		var group []*appendReq
		for r := src.next(); r != nil; r = src.next() {
			group = append(group, r)
		}
		return group, nil, head, storageErr("begin", err)
	}
	start := head
	recordedAt := eventstore.FormatRecordedAt(now)
	heads := make(map[string]streamHead)
	var group []*appendReq
	var results []appendRes
	for r := src.next(); r != nil; r = src.next() {
		group = append(group, r)
		res, err := w.apply(r, &head, now, recordedAt, heads)
		var ge *groupError
		if errors.As(err, &ge) {
			w.abort()
			return group, nil, start, ge.err
		}
		results = append(results, appendRes{r: res, err: err})
	}
	if err := w.commit.Exec(); err != nil {
		w.abort()
		return group, nil, start, storageErr("commit", err)
	}
	if w.heads == nil || len(w.heads)+len(heads) > maxCachedHeads {
		w.heads = make(map[string]streamHead, len(heads))
	}
	for stream, h := range heads {
		w.heads[stream] = h
	}
	return group, results, head, nil
}

func (w *writer) abort() {
	w.heads = nil
	if w.conn.InTransaction() {
		_ = w.rollback.Exec()
	}
}

// apply performs one append inside the open transaction, advancing head.
func (w *writer) apply(r *appendReq, head *uint64, now time.Time, recordedAt string, heads map[string]streamHead) (eventstore.AppendResult, error) {
	if res, done, err := w.retried(r); done || err != nil {
		return res, err
	}
	h, ok := heads[r.stream]
	if !ok {
		h, ok = w.heads[r.stream]
	}
	if !ok {
		var err error
		if h, err = w.streamHead(r.stream); err != nil {
			return eventstore.AppendResult{}, &groupError{storageErr("read stream head", err)}
		}
	}
	if !r.expected.Satisfied(h.version) {
		return eventstore.AppendResult{}, &eventstore.WrongExpectedVersionError{Stream: r.stream, Expected: r.expected, Actual: h.version}
	}
	for i := range r.events {
		*head++
		h.version++
		ev := eventstore.NewEvent(r.stream, uint64(h.version), now, &r.events[i])
		eventstore.Seal(h.hash, &ev)
		if err := w.insertEvent(*head, &ev, recordedAt); err != nil {
			return eventstore.AppendResult{}, &groupError{w.insertFailure(r, err)}
		}
		h.hash = ev.Hash
	}
	heads[r.stream] = h
	return eventstore.AppendResult{Version: uint64(h.version), Position: *head}, nil
}

func (w *writer) insertEvent(position uint64, ev *eventstore.Event, recordedAt string) error {
	st := w.insert
	err := errors.Join(
		st.BindInt64(1, int64(position)),
		st.BindText(2, ev.Stream),
		st.BindInt64(3, int64(ev.StreamVersion)),
		st.BindText(4, ev.EventID),
		st.BindText(5, ev.Type),
		st.BindInt64(6, int64(ev.SchemaVersion)),
		st.BindText(7, ev.OccurredOn),
		st.BindText(8, recordedAt),
		st.BindText(9, ev.Actor.User),
		st.BindText(10, ev.Actor.Role),
		st.BindText(11, ev.CorrelationID),
		st.BindText(12, ev.CausationID),
		st.BindText(13, ev.Reason),
		st.BindTextBytes(14, ev.Data),
		st.BindText(15, ev.PrevHash),
		st.BindText(16, ev.Hash),
	)
	if err != nil {
		st.Reset()
		return err
	}
	return st.Exec()
}

// insertFailure explains a failed insert. An event id already stored is the
// caller's conflict (SQLite rolled the transaction back); anything else is storage.
func (w *writer) insertFailure(r *appendReq, err error) error {
	if lite.Extended(err) == lite.CodeConstraintUnique && strings.Contains(err.Error(), "events.event_id") {
		w.abort()
		for i := range r.events {
			if _, found, lerr := w.lookup(r.events[i].EventID); lerr == nil && found {
				return fmt.Errorf("%w: event %s is already stored in another append", eventstore.ErrIdempotencyConflict, r.events[i].EventID)
			}
		}
	}
	return storageErr("append to "+r.stream, err)
}

func (w *writer) streamHead(stream string) (streamHead, error) {
	defer w.head.Reset()
	if err := w.head.BindText(1, stream); err != nil {
		return streamHead{}, err
	}
	row, err := w.head.Step()
	if err != nil || !row {
		return streamHead{version: -1}, err
	}
	return streamHead{version: w.head.Int64(0), hash: w.head.Text(1)}, nil
}

func (w *writer) lookup(id string) (eventstore.Event, bool, error) {
	defer w.byID.Reset()
	if err := w.byID.BindText(1, id); err != nil {
		return eventstore.Event{}, false, err
	}
	row, err := w.byID.Step()
	if err != nil || !row {
		return eventstore.Event{}, false, err
	}
	var e eventstore.Event
	if err := w.dec.row(w.byID, &e); err != nil {
		return e, false, err
	}
	return e, true, nil
}

// retried recognises a re-sent append: its first event id is already stored. It is
// the same append only if every event is stored, in order, in this stream, with the
// same content; then the original result is returned and nothing is written.
func (w *writer) retried(r *appendReq) (eventstore.AppendResult, bool, error) {
	first, found, err := w.lookup(r.events[0].EventID)
	if err != nil {
		return eventstore.AppendResult{}, false, &groupError{storageErr("look up event id", err)}
	}
	if !found {
		return eventstore.AppendResult{}, false, nil
	}
	conflict := fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, r.events[0].EventID)
	last := first
	for i := range r.events {
		e := first
		if i > 0 {
			if e, found, err = w.lookup(r.events[i].EventID); err != nil {
				return eventstore.AppendResult{}, false, &groupError{storageErr("look up event id", err)}
			}
			if !found {
				return eventstore.AppendResult{}, false, conflict
			}
		}
		if e.Stream != r.stream || e.StreamVersion != first.StreamVersion+uint64(i) || !eventstore.SameContent(&e, &r.events[i]) {
			return eventstore.AppendResult{}, false, conflict
		}
		last = e
	}
	return eventstore.AppendResult{Version: last.StreamVersion, Position: last.Position}, true, nil
}

// Package memstore is an in-memory eventstore.Store for the projection tests. It
// keeps the engines' rules (validation, idempotent retries, expected versions, the
// hash chain, catch-up-then-live subscriptions) and adds what a test needs to
// provoke: position gaps as on KurrentDB, dropped subscriptions and failing reads.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// ErrDropped is what Recv returns on a subscription that DropSubscriptions cut.
var ErrDropped = errors.New("memstore: subscription dropped")

// Option configures a Store.
type Option func(*Store)

// WithPositionStep makes consecutive events step positions by n (n >= 1), so that
// readers cannot assume a gap-free log.
func WithPositionStep(n uint64) Option {
	return func(s *Store) {
		if n > 0 {
			s.step = n
		}
	}
}

// WithClock sets the recorded_at source.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

type stream struct {
	hash    string
	indexes []int // into Store.events, in version order
}

// Store is safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	step    uint64
	now     func() time.Time
	events  []eventstore.Event
	streams map[string]*stream
	byID    map[string]int
	notify  chan struct{}
	closed  bool
	readErr error
	dropGen uint64
	reads   uint64
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{step: 1, now: time.Now, streams: map[string]*stream{}, byID: map[string]int{}, notify: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, name string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	prepared, err := eventstore.Prepare(name, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	if res, done, err := s.retried(name, prepared); done || err != nil {
		return res, err
	}
	st := s.streams[name]
	current := int64(-1)
	if st != nil {
		current = int64(len(st.indexes)) - 1
	}
	if !expected.Satisfied(current) {
		return eventstore.AppendResult{}, &eventstore.WrongExpectedVersionError{Stream: name, Expected: expected, Actual: current}
	}
	for i := range prepared {
		if _, dup := s.byID[prepared[i].EventID]; dup {
			return eventstore.AppendResult{}, fmt.Errorf("%w: event %s is already stored elsewhere", eventstore.ErrIdempotencyConflict, prepared[i].EventID)
		}
	}
	if st == nil {
		st = &stream{}
		s.streams[name] = st
	}
	now := s.now()
	var res eventstore.AppendResult
	for i := range prepared {
		ev := eventstore.NewEvent(name, uint64(len(st.indexes)), now, &prepared[i])
		ev.Position = s.headLocked() + s.step
		eventstore.Seal(st.hash, &ev)
		st.hash = ev.Hash
		st.indexes = append(st.indexes, len(s.events))
		s.byID[ev.EventID] = len(s.events)
		s.events = append(s.events, ev)
		res = eventstore.AppendResult{Version: ev.StreamVersion, Position: ev.Position}
	}
	s.wakeLocked()
	return res, nil
}

// retried recognises a re-sent append the way the engines do: every event already
// stored, in order, in this stream, with the same content.
func (s *Store) retried(name string, events []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	first, ok := s.byID[events[0].EventID]
	if !ok {
		return eventstore.AppendResult{}, false, nil
	}
	conflict := fmt.Errorf("%w: event %s", eventstore.ErrIdempotencyConflict, events[0].EventID)
	base := s.events[first]
	if base.Stream != name {
		return eventstore.AppendResult{}, false, conflict
	}
	var last eventstore.Event
	for i := range events {
		idx, ok := s.byID[events[i].EventID]
		if !ok {
			return eventstore.AppendResult{}, false, conflict
		}
		e := s.events[idx]
		if e.Stream != name || e.StreamVersion != base.StreamVersion+uint64(i) || !eventstore.SameContent(&e, &events[i]) {
			return eventstore.AppendResult{}, false, conflict
		}
		last = e
	}
	return eventstore.AppendResult{Version: last.StreamVersion, Position: last.Position}, true, nil
}

func (s *Store) headLocked() uint64 {
	if len(s.events) == 0 {
		return 0
	}
	return s.events[len(s.events)-1].Position
}

func (s *Store) wakeLocked() {
	close(s.notify)
	s.notify = make(chan struct{})
}

// HeadPosition is the position of the last event (0: empty log).
func (s *Store) HeadPosition(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, eventstore.ErrClosed
	}
	return s.headLocked(), nil
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, name string, fromVersion uint64, limit int) ([]eventstore.Event, error) {
	if err := eventstore.ValidateStream(name); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	st := s.streams[name]
	if st == nil {
		return nil, fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, name)
	}
	if fromVersion >= uint64(len(st.indexes)) {
		return []eventstore.Event{}, nil
	}
	idx := st.indexes[fromVersion:]
	if limit > 0 && len(idx) > limit {
		idx = idx[:limit]
	}
	out := make([]eventstore.Event, len(idx))
	for i, j := range idx {
		out[i] = s.events[j]
	}
	return out, nil
}

// ReadAll implements eventstore.Reader. The batch is a copy, as an engine's would be.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readAllLocked(after, limit)
}

func (s *Store) readAllLocked(after uint64, limit int) ([]eventstore.Event, error) {
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	if s.readErr != nil {
		return nil, s.readErr
	}
	s.reads++
	from := sort.Search(len(s.events), func(i int) bool { return s.events[i].Position > after })
	rest := s.events[from:]
	if limit > 0 && len(rest) > limit {
		rest = rest[:limit]
	}
	return append([]eventstore.Event(nil), rest...), nil
}

// Reads counts the log reads served (ReadAll calls and subscription refills).
func (s *Store) Reads() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// FailReads makes every later ReadAll and subscription refill fail with err until
// FailReads(nil).
func (s *Store) FailReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readErr = err
	s.wakeLocked()
}

// DropSubscriptions makes every open subscription fail with ErrDropped, as a lost
// connection would.
func (s *Store) DropSubscriptions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropGen++
	s.wakeLocked()
}

// Close implements eventstore.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.notify)
	}
	return nil
}

package projections

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/pathway-ledger/ledger/eventstore"
)

// slot is one projection and its checkpoint.
type slot struct {
	p    Projection
	name string

	// Owned by the one goroutine applying to the slot: the feed, or a rebuild until
	// it hands the slot back to the feed.
	cursor   uint64 // last position applied
	idPos    uint64 // position that lastID and lastHash describe
	lastID   string
	lastHash string
	snapAt   uint64 // checkpoint of the last snapshot taken
	failed   bool   // Apply refused an event: the state is not whole, never snapshot it

	applied    atomic.Uint64 // cursor, published for readers
	rebuilding atomic.Bool
	snapshotAt atomic.Uint64 // checkpoint of the last durable snapshot
	snapFailed atomic.Bool   // the last snapshot did not become durable: retry it
}

// feed applies evs to every slot, skipping what a slot already holds, and stops
// before the first event past upTo. It returns how many events it went through:
// all of them, or up to the first that a projection refused (the slots before that
// one in the list may have gone further, the ones after it not so far; each slot's
// cursor says exactly what it holds). It allocates nothing: this is the runner's
// whole per-event cost.
func feed(slots []*slot, evs []eventstore.Event, upTo uint64) (int, error) {
	n := sort.Search(len(evs), func(i int) bool { return evs[i].Position > upTo })
	evs = evs[:n]
	for _, s := range slots {
		if done, err := s.feed(evs, nil); err != nil {
			return done, err
		}
	}
	return n, nil
}

// feed applies evs to the slot, skipping what it already holds, with what its
// projection prepared of all of evs when prepared is not nil. It returns len(evs),
// or the index of the event the projection refused with an *ApplyError.
func (s *slot) feed(evs []eventstore.Event, prepared Prepared) (int, error) {
	from := sort.Search(len(evs), func(i int) bool { return evs[i].Position > s.cursor })
	if from > 0 {
		prepared = nil // made of the whole page, and part of it is already held
	}
	done, err := s.apply(evs[from:], prepared)
	if err == nil && done != len(evs)-from {
		err = fmt.Errorf("projections: applied %d of %d events and gave no reason", done, len(evs)-from)
		done = min(max(done, 0), len(evs)-from-1)
	}
	if done > 0 {
		s.cursor = evs[from+done-1].Position
	}
	s.identify(evs)
	if err != nil {
		s.failed = true
		ev := &evs[from+done]
		return from + done, &ApplyError{Projection: s.name, Position: ev.Position, EventID: ev.EventID, EventType: ev.Type, Err: err}
	}
	return len(evs), nil
}

// apply gives evs to the projection, as one batch when it takes batches, with
// what it prepared of them when it did.
func (s *slot) apply(evs []eventstore.Event, prepared Prepared) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	if p, ok := s.p.(Preparer); ok && prepared != nil {
		return p.ApplyPrepared(evs, prepared)
	}
	if b, ok := s.p.(BatchApplier); ok {
		return b.ApplyBatch(evs)
	}
	for i := range evs {
		if err := s.p.Apply(evs[i]); err != nil {
			return i, err
		}
	}
	return len(evs), nil
}

// identify records which event the cursor stands on, for the snapshot header; once
// per batch rather than per event.
func (s *slot) identify(evs []eventstore.Event) {
	if s.cursor == s.idPos {
		return
	}
	i := sort.Search(len(evs), func(i int) bool { return evs[i].Position >= s.cursor })
	if i < len(evs) && evs[i].Position == s.cursor {
		s.idPos, s.lastID, s.lastHash = s.cursor, evs[i].EventID, strings.Clone(evs[i].Hash)
	}
}

// identifyWhole reads the event the cursor stands on when identify met it without
// its hash (read for a fold): a snapshot header names its checkpoint by event id
// and hash, which a restart compares with the log.
func (s *slot) identifyWhole(ctx context.Context, log eventstore.Reader) error {
	if s.cursor == 0 || (s.idPos == s.cursor && s.lastHash != "") {
		return nil
	}
	evs, err := log.ReadAll(ctx, s.cursor-1, 1)
	if err != nil {
		return err
	}
	if len(evs) != 1 || evs[0].Position != s.cursor {
		return fmt.Errorf("the log holds no event at position %d", s.cursor)
	}
	s.idPos, s.lastID, s.lastHash = s.cursor, evs[0].EventID, strings.Clone(evs[0].Hash)
	return nil
}

// reset empties the slot's state and checkpoint.
func (s *slot) reset() {
	s.p.Reset()
	s.cursor, s.idPos, s.lastID, s.lastHash, s.snapAt, s.failed = 0, 0, "", "", 0, false
	s.applied.Store(0)
	s.snapshotAt.Store(0)
	s.snapFailed.Store(false)
}

func (s *slot) publish() { s.applied.Store(s.cursor) }

// settle tells the projection it has caught up with the log, when it cares.
func (s *slot) settle() {
	if x, ok := s.p.(Settler); ok {
		x.Settle()
	}
}

func (s *slot) header() snapHeader {
	return snapHeader{Name: s.name, Version: s.p.SnapshotVersion(), Checkpoint: s.cursor, EventID: s.lastID, EventHash: s.lastHash}
}

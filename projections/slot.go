package projections

import (
	"sort"
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
// before the first event past upTo. It returns how many events it went through.
// It allocates nothing: this is the runner's whole per-event cost.
func feed(slots []*slot, evs []eventstore.Event, upTo uint64) (int, error) {
	n := len(evs)
	var err error
loop:
	for i := range evs {
		ev := &evs[i]
		if ev.Position > upTo {
			n = i
			break
		}
		for _, s := range slots {
			if ev.Position <= s.cursor {
				continue
			}
			if aerr := s.p.Apply(*ev); aerr != nil {
				s.failed = true
				n = i
				err = &ApplyError{Projection: s.name, Position: ev.Position, EventID: ev.EventID, EventType: ev.Type, Err: aerr}
				break loop
			}
			s.cursor = ev.Position
		}
	}
	for _, s := range slots {
		s.identify(evs)
	}
	return n, err
}

// identify records which event the cursor stands on, for the snapshot header; once
// per batch rather than per event.
func (s *slot) identify(evs []eventstore.Event) {
	if s.cursor == s.idPos {
		return
	}
	i := sort.Search(len(evs), func(i int) bool { return evs[i].Position >= s.cursor })
	if i < len(evs) && evs[i].Position == s.cursor {
		s.idPos, s.lastID, s.lastHash = s.cursor, evs[i].EventID, evs[i].Hash
	}
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

func (s *slot) header() snapHeader {
	return snapHeader{Name: s.name, Version: s.p.SnapshotVersion(), Checkpoint: s.cursor, EventID: s.lastID, EventHash: s.lastHash}
}

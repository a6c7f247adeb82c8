// Package projections runs read models over the global event log. A Runner feeds
// every Projection each event of the log exactly once, in position order, from the
// projection's own checkpoint; it keeps each projection's state and checkpoint
// together in a snapshot file so that a restart resumes where it stopped, rebuilds
// any projection from position 0 on demand while the others stay live, and lets
// readers wait (bounded) until a position written by their own command is applied.
//
// Read models live in sub-packages and implement Projection; they own their locking
// (Apply runs on the runner's goroutine while readers query concurrently).
package projections

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Projection is a read model built only from the global log.
//
// The runner calls Apply, Snapshot, Restore and Reset from one goroutine at a time,
// never concurrently with each other; queries from other goroutines may run at any
// moment, so the projection guards its state (typically a sync.RWMutex, write-locked
// in Apply, Restore and Reset, read-locked in Snapshot and queries).
type Projection interface {
	// Name identifies the projection in logs, routes and its snapshot file name
	// (<name>.snap): 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit.
	Name() string
	// SnapshotVersion must change whenever Snapshot's encoding or the meaning of
	// Apply changes (a fixed bug included): a snapshot written under another
	// version is discarded and the projection rebuilds from position 0.
	SnapshotVersion() uint32
	// Apply folds one event in. Events come in strictly increasing position order and
	// each exactly once per state (the runner skips what a restored state already
	// holds). Apply must be deterministic in the events alone: no clock, and no I/O
	// but reading earlier events of the same log (a model that keeps a pathway
	// compacted re-reads its stream when it needs it whole). It must not retain
	// ev.Data, which belongs to the store's read buffer. An error stops the runner:
	// a poison event is never skipped.
	Apply(ev eventstore.Event) error
	// Snapshot writes the whole state; Restore reads it back into a Reset state.
	Snapshot(w io.Writer) error
	Restore(r io.Reader) error
	// Reset empties the state, as before position 1.
	Reset()
}

// BatchApplier is a Projection that can take a run of consecutive events at once,
// which the runner then prefers to Apply: a model can decode one event while it
// folds the one before, and take its lock once per few hundred events instead of
// per event. ApplyBatch applies evs in order and returns how many it applied; when
// that is fewer than len(evs), err says why evs[n] was refused and nothing of
// evs[n] or later is applied. The outcome (state and error) must be exactly that of
// calling Apply on each in turn, and evs[i].Data must not be retained nor read
// after it returns.
type BatchApplier interface {
	ApplyBatch(evs []eventstore.Event) (int, error)
}

// Preparer is a BatchApplier whose work per event that needs none of its state
// (decoding payloads) can be done apart from the fold. Prepare returns what
// ApplyPrepared(evs, p) takes instead of doing that work itself, and fill, which
// makes it: the caller runs fill on another goroutine, and ApplyPrepared folds what
// fill has made while fill goes on. A replay prepares the next page while the
// projection folds this one, so that neither core waits at a page's end for the
// other. fill may wait for the fold to catch up; cancelling its ctx makes it
// return early, for when the fold will not come. Neither Prepare nor fill reads
// or changes the projection's state, and they may run while ApplyBatch or
// ApplyPrepared runs on an earlier page; the outcome of ApplyPrepared must be
// exactly ApplyBatch's, and a prepared value is applied at most once (one never
// applied is simply dropped).
type Preparer interface {
	BatchApplier
	Prepare(evs []eventstore.Event) (p Prepared, fill func(ctx context.Context))
	ApplyPrepared(evs []eventstore.Event, p Prepared) (int, error)
}

// Prepared is what a Preparer makes of a page, for its ApplyPrepared only.
type Prepared any

// Settler is a Projection that may hold more in memory while it folds the log in
// pages than once it follows the log's tail. The runner calls Settle each time it
// has caught up with the log (at start, after a rebuild, after each batch of the
// live tail), and Replay before it writes snapshots, on the goroutine that applies
// events. It should be cheap when there is nothing to give back.
type Settler interface {
	Settle()
}

// BulkLoader is implemented by a projection that folds a whole log faster when
// nothing reads it before it settles: Replay calls BeginBulk after Reset, before the
// first event, and Settle after the last, before anything reads it or snapshots
// it. The runner, which serves reads while it folds, never calls it.
type BulkLoader interface {
	Settler
	BeginBulk()
}

// HeadReader is implemented by stores that report the position of the last event
// cheaply (the embedded engine and the in-memory test store do). With it the runner
// measures its lag against the real head; without it, "caught up" means the last
// catch-up read found no more events and the live subscription is running.
type HeadReader interface {
	HeadPosition(ctx context.Context) (uint64, error)
}

var (
	// ErrNotReady: a wait ended (its context expired) before the projections reached
	// what it asked for. The API answers 503 with Retry-After.
	ErrNotReady = errors.New("projections: not ready")
	// ErrStopped: the runner is not running (not started, closed, or stopped by an
	// error, which Err reports).
	ErrStopped = errors.New("projections: runner stopped")
	// ErrUnknownProjection: no projection has that name.
	ErrUnknownProjection = errors.New("projections: unknown projection")
	// ErrRebuildInProgress: a named projection is already being rebuilt.
	ErrRebuildInProgress = errors.New("projections: rebuild already in progress")
)

// ApplyError is a projection refusing an event: the runner stops on it.
type ApplyError struct {
	Projection string
	Position   uint64
	EventID    string
	EventType  string
	Err        error
}

func (e *ApplyError) Error() string {
	return fmt.Sprintf("projections: %s cannot apply event %s (%s) at position %d: %v",
		e.Projection, e.EventID, e.EventType, e.Position, e.Err)
}

func (e *ApplyError) Unwrap() error { return e.Err }

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// checkNames rejects names that are not safe file names, or repeated.
func checkNames(ps []Projection) error {
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if p == nil {
			return errors.New("projections: nil projection")
		}
		n := p.Name()
		if !validName.MatchString(n) {
			return fmt.Errorf("projections: invalid projection name %q: want 1-64 of a-z 0-9 _ - starting with a letter or digit", n)
		}
		if seen[n] {
			return fmt.Errorf("projections: projection name %q used twice", n)
		}
		seen[n] = true
	}
	return nil
}

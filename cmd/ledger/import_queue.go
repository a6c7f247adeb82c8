package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
)

// importWindow bounds the runs of a file queued in the store at once.
const importWindow = 1024

// runQueue appends an import's runs of events (an NDJSON file's consecutive lines of
// one stream, a PTL row's new pathway) in file order. Where the store takes appends
// without waiting (eventstore.QueuedAppender) it keeps up to importWindow of them
// queued, so that they share commits, while the single writer keeps the file's
// order; one run at a time waited for a commit each (9.9k events/s on a
// million-pathway NDJSON file, 4.4k in date order, where nearly every run is one
// event; 4.3k PTL rows/s). A stream's next run is queued only once its previous run
// is written, so no run is ever written after an earlier run of its stream failed.
// A run refused for its expected version (a PTL row whose pathway exists with other
// content) is counted as skipped; any other failure stops the import.
type runQueue struct {
	ctx      context.Context
	store    eventstore.Store
	queued   eventstore.QueuedAppender
	head     uint64
	progress *importer.Progress
	pending  []pendingRun // queued, oldest first
	inflight map[string]int
	// Runs written, found in the log already (at or before head: a re-run) and
	// skipped, and the events of the written ones.
	written, present, skipped int
	writtenEvents             int
	err                       error
	// byRun: progress counts runs (a PTL row), not events (NDJSON lines).
	byRun bool
}

type pendingRun struct {
	stream string
	events int
	line   int
	wait   func() (eventstore.AppendResult, error)
}

// newRunQueue appends to store; events written at positions after head count as
// written, the others were in the log already (a re-run).
func newRunQueue(ctx context.Context, store eventstore.Store, head uint64, progress *importer.Progress) *runQueue {
	q, _ := store.(eventstore.QueuedAppender)
	return &runQueue{ctx: ctx, store: store, queued: q, head: head, progress: progress, inflight: map[string]int{}}
}

// submit appends the run of stream's events that starts at line, or queues it. It
// returns the import's first failure once there is one; events belongs to the
// queue from then on.
func (r *runQueue) submit(stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData, line int) error {
	if r.err != nil {
		return r.err
	}
	if r.queued == nil {
		res, err := r.store.Append(r.ctx, stream, expected, events...)
		r.settle(len(events), line, res, err)
		return r.err
	}
	for r.err == nil && (r.inflight[stream] > 0 || len(r.pending) >= importWindow) {
		r.resolveOldest()
	}
	if r.err != nil {
		return r.err
	}
	wait, err := r.queued.AppendQueued(r.ctx, stream, expected, events...)
	if err != nil {
		r.settle(len(events), line, eventstore.AppendResult{}, err)
		return r.err
	}
	r.pending = append(r.pending, pendingRun{stream: stream, events: len(events), line: line, wait: wait})
	r.inflight[stream]++
	return nil
}

// drain waits until every queued run is written (a command line reads the log as
// the lines before it left it), and returns the first failure if any.
func (r *runQueue) drain() error {
	for len(r.pending) > 0 {
		r.resolveOldest()
	}
	return r.err
}

func (r *runQueue) resolveOldest() {
	p := r.pending[0]
	r.pending[0] = pendingRun{}
	r.pending = r.pending[1:]
	if len(r.pending) == 0 {
		r.pending = r.pending[:0:0] // let the spent front go
	}
	if r.inflight[p.stream]--; r.inflight[p.stream] == 0 {
		delete(r.inflight, p.stream)
	}
	res, err := p.wait()
	r.settle(p.events, p.line, res, err)
}

func (r *runQueue) settle(events, line int, res eventstore.AppendResult, err error) {
	switch {
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		r.skipped++
	case err != nil:
		if r.err == nil {
			r.err = fmt.Errorf("line %d: %w", line, err)
		}
		return
	case res.Position > r.head:
		r.written++
		r.writtenEvents += events
	default:
		r.present++
	}
	if r.byRun {
		events = 1
	}
	r.progress.Add(int64(events))
}

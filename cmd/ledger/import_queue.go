package main

import (
	"context"
	"fmt"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
)

// importWindow bounds the runs of an NDJSON file queued in the store at once.
const importWindow = 1024

// runQueue appends an NDJSON file's runs of events (consecutive lines of one
// stream) in file order. Where the store takes appends without waiting
// (eventstore.QueuedAppender) it keeps up to importWindow of them queued, so that
// they share commits, while the single writer keeps the file's order; one run at a
// time waited for a commit each (9.9k events/s on a million-pathway file, 4.4k in
// date order, where nearly every run is one event). A stream's next run is queued
// only once its previous run is written, so no run is ever written after an
// earlier run of its stream failed.
type runQueue struct {
	ctx      context.Context
	store    eventstore.Store
	queued   eventstore.QueuedAppender
	head     uint64
	progress *importer.Progress
	pending  []pendingRun // queued, oldest first
	inflight map[string]int
	written  int
	err      error
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
func (r *runQueue) submit(stream string, events []eventstore.EventData, line int) error {
	if r.err != nil {
		return r.err
	}
	if r.queued == nil {
		res, err := r.store.Append(r.ctx, stream, eventstore.Any(), events...)
		r.settle(len(events), line, res, err)
		return r.err
	}
	for r.err == nil && (r.inflight[stream] > 0 || len(r.pending) >= importWindow) {
		r.resolveOldest()
	}
	if r.err != nil {
		return r.err
	}
	wait, err := r.queued.AppendQueued(r.ctx, stream, eventstore.Any(), events...)
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
	if err != nil {
		if r.err == nil {
			r.err = fmt.Errorf("line %d: %w", line, err)
		}
		return
	}
	if res.Position > r.head {
		r.written += events
	}
	r.progress.Add(int64(events))
}

package projections

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// liveBatch bounds how many waiting live events are applied before readers are
// woken; the buffer between the subscription and the feed has the same size.
const liveBatch = 256

// run is the feed goroutine: catch up with batched reads, go live, and after any
// read failure or dropped subscription catch up again from the last applied
// position, with backoff. A poison event or a closed store stops it.
func (r *Runner) run(ctx context.Context) {
	defer r.finish()
	r.tick = time.NewTicker(r.opts.SnapshotInterval)
	defer r.tick.Stop()
	if err := r.restoreAll(ctx); err != nil {
		if ctx.Err() == nil {
			r.stop(err)
		}
		return
	}
	r.retry = r.opts.RetryMin
	for {
		err := r.catchUp(ctx)
		if err == nil {
			err = r.live(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if fatal(err) {
			r.stop(err)
			return
		}
		r.setPhase(phaseReconnecting)
		r.log.Warn("projections: reading the log failed; resuming after a pause",
			"position", r.pos, "retry_in", r.retry, "err", err)
		if err := r.sleep(ctx, r.retry); err != nil {
			if ctx.Err() == nil {
				r.stop(err)
			}
			return
		}
		r.retry = min(2*r.retry, r.opts.RetryMax)
	}
}

var errReadAheadEnded = errors.New("projections: the log's read-ahead ended without a last page")

func fatal(err error) bool {
	var aerr *ApplyError
	return errors.As(err, &aerr) || errors.Is(err, eventstore.ErrClosed)
}

// catchUp applies the log from r.pos to its head. The next pages are read while one
// is applied (as a replay does), so reading and folding share the two cores.
func (r *Runner) catchUp(ctx context.Context) error {
	r.setPhase(phaseCatchingUp)
	pages, stop := eventstore.ReadAhead(ctx, r.store, r.pos, r.opts.BatchSize)
	defer stop()
	for {
		if err := r.between(ctx); err != nil {
			return err
		}
		pg, ok := <-pages
		if !ok {
			// The read-ahead always ends with a page saying why; never mistake its
			// absence for the head of the log.
			return errors.Join(errReadAheadEnded, ctx.Err())
		}
		if pg.Err != nil {
			return pg.Err
		}
		if len(pg.Events) == 0 {
			for _, s := range r.active {
				s.settle()
			}
			r.noteHead(r.pos)
			r.caughtUp.Store(true)
			r.retry = r.opts.RetryMin
			r.notify.broadcast()
			return nil
		}
		err := r.applyFeed(pg.Events)
		// Projections copy what they keep out of an event, never the page.
		pg.Recycle()
		if err != nil {
			return err
		}
	}
}

// applyFeed is the hot path: one batch to every active projection.
func (r *Runner) applyFeed(evs []eventstore.Event) error {
	n, err := feed(r.active, evs, math.MaxUint64)
	if n > 0 {
		r.pos = max(r.pos, evs[n-1].Position)
		r.sinceSnap += uint64(n)
	}
	r.publish()
	if err != nil {
		return err
	}
	if r.sinceSnap >= r.opts.SnapshotEvery {
		r.snapshot(r.active, false)
	}
	return nil
}

// between serves what waits for the feed (control requests, the snapshot timer)
// between two catch-up batches, without blocking.
func (r *Runner) between(ctx context.Context) error {
	for {
		select {
		case req := <-r.ctrl:
			if err := r.handle(req); err != nil {
				return err
			}
		case <-r.tick.C:
			r.snapshot(r.active, false)
		default:
			return ctx.Err()
		}
	}
}

// sleep waits d while still serving control requests and the snapshot timer.
func (r *Runner) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return nil
		case req := <-r.ctrl:
			if err := r.handle(req); err != nil {
				return err
			}
		case <-r.tick.C:
			r.snapshot(r.active, false)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// live follows the subscription from the feed position. A helper goroutine turns
// the blocking Recv into a channel so that control requests and the snapshot timer
// are served while the log is quiet.
func (r *Runner) live(ctx context.Context) error {
	sub, err := r.store.Subscribe(ctx, r.pos)
	if err != nil {
		return err
	}
	lctx, cancel := context.WithCancel(ctx)
	evc := make(chan eventstore.Event, liveBatch)
	errc := make(chan error, 1)
	go pump(lctx, sub, evc, errc)
	defer func() {
		cancel()
		for range evc {
		}
		_ = sub.Close()
	}()
	r.setPhase(phaseLive)
	batch := make([]eventstore.Event, 0, liveBatch)
	for {
		select {
		case ev, ok := <-evc:
			if !ok {
				return <-errc
			}
			batch = append(batch[:0], ev)
		drain:
			for len(batch) < cap(batch) {
				select {
				case ev, ok := <-evc:
					if !ok {
						break drain
					}
					batch = append(batch, ev)
				default:
					break drain
				}
			}
			if err := r.applyFeed(batch); err != nil {
				return err
			}
			// Following the tail is being caught up: a projection that a burst of
			// events made hold more (a full batch) gives it back here, not at the
			// next reconnect.
			for _, s := range r.active {
				s.settle()
			}
			r.retry = r.opts.RetryMin
		case req := <-r.ctrl:
			if err := r.handle(req); err != nil {
				return err
			}
		case <-r.tick.C:
			r.snapshot(r.active, false)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// pump forwards the subscription until it fails; it closes out when it returns,
// with the reason in errc.
func pump(ctx context.Context, sub eventstore.Subscription, out chan<- eventstore.Event, errc chan<- error) {
	defer close(out)
	for {
		if err := ctx.Err(); err != nil {
			errc <- err
			return
		}
		ev, err := sub.Recv(ctx)
		if err != nil {
			errc <- err
			return
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			errc <- ctx.Err()
			return
		}
	}
}

// finish runs when the feed stops: rebuilds end, in-flight snapshots land, and every
// whole projection that changed is snapshotted one last time.
func (r *Runner) finish() {
	r.cancel()
	r.workers.Wait()
	r.commits.Wait()
	r.finalErr = r.snapshot(r.active, true)
	r.setPhase(phaseStopped)
	close(r.done)
	r.notify.broadcast()
}

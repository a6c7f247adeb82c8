package projections

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

type requestKind int

const (
	reqSnapshot requestKind = iota
	reqDetach
	reqJoin
)

// request asks the feed goroutine, the only one that may touch active slots, to act
// between two batches.
type request struct {
	kind  requestKind
	slots []*slot
	done  chan error // buffered: the feed never blocks on a departed caller
}

// handle serves a request; it returns an error only when the feed must stop.
func (r *Runner) handle(req request) error {
	switch req.kind {
	case reqSnapshot:
		r.commits.Wait()
		req.done <- r.snapshot(r.active, true)
	case reqDetach:
		r.detach(req.slots)
		r.workers.Add(1)
		go r.rebuild(r.runCtx, req.slots, req.done)
	case reqJoin:
		err := r.join(r.runCtx, req.slots)
		req.done <- err
		if fatal(err) {
			return err
		}
	}
	return nil
}

func (r *Runner) send(ctx context.Context, req request) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return fmt.Errorf("%w: not started", ErrStopped)
	}
	select {
	case r.ctrl <- req:
		return nil
	case <-r.done:
		return r.stoppedErr()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Runner) await(ctx context.Context, done <-chan error) error {
	select {
	case err := <-done:
		return err
	case <-r.done:
		select {
		case err := <-done:
			return err
		default:
			return r.stoppedErr()
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SnapshotNow writes a snapshot of every projection that changed since its last one
// and returns once they are durable. A no-op without a snapshot folder.
func (r *Runner) SnapshotNow(ctx context.Context) error {
	req := request{kind: reqSnapshot, done: make(chan error, 1)}
	if err := r.send(ctx, req); err != nil {
		return err
	}
	return r.await(ctx, req.done)
}

// Rebuild empties the named projections (all when none is named), deletes their
// snapshots and replays the log into them from position 0 while the others stay
// live. Until a rebuilt projection rejoins the feed, WaitFor on it waits and
// CaughtUp is false. Rebuild returns when they have rejoined, or earlier with ctx's
// error while the rebuild goes on; ErrRebuildInProgress if one is already being
// rebuilt.
func (r *Runner) Rebuild(ctx context.Context, names ...string) error {
	slots, err := r.resolve(names)
	if err != nil {
		return err
	}
	r.mu.Lock()
	for _, s := range slots {
		if s.rebuilding.Load() {
			r.mu.Unlock()
			return fmt.Errorf("%w: %s", ErrRebuildInProgress, s.name)
		}
	}
	for _, s := range slots {
		s.rebuilding.Store(true)
	}
	r.mu.Unlock()
	r.notify.broadcast()
	req := request{kind: reqDetach, slots: slots, done: make(chan error, 1)}
	if err := r.send(ctx, req); err != nil {
		for _, s := range slots {
			s.rebuilding.Store(false)
		}
		r.notify.broadcast()
		return err
	}
	return r.await(ctx, req.done)
}

// detach takes slots off the feed and empties them, snapshots included. In-flight
// snapshot commits land first so that none can bring an old state back.
func (r *Runner) detach(slots []*slot) {
	r.commits.Wait()
	keep := r.active[:0]
	for _, s := range r.active {
		if !contains(slots, s) {
			keep = append(keep, s)
		}
	}
	clear(r.active[len(keep):])
	r.active = keep
	for _, s := range slots {
		if r.snapDir != "" {
			if err := removeSnapshot(r.snapDir, s.name); err != nil {
				r.log.Warn("projections: cannot delete snapshot before rebuild", "projection", s.name, "err", err)
			}
		}
		s.reset()
		r.log.Info("projections: rebuilding from position 0", "projection", s.name)
	}
	r.publish()
}

func contains(slots []*slot, s *slot) bool {
	for _, x := range slots {
		if x == s {
			return true
		}
	}
	return false
}

// rebuild replays the log into detached slots with its own reads, then asks the
// feed to bring them the last few events and take them back.
func (r *Runner) rebuild(ctx context.Context, slots []*slot, done chan<- error) {
	defer r.workers.Done()
	start := time.Now()
	var events uint64
	retry := r.opts.RetryMin
	for {
		err := r.fill(ctx, slots, &events)
		var applyErr *ApplyError
		if errors.As(err, &applyErr) {
			r.stop(err)
			r.cancel()
			done <- err
			return
		}
		if err == nil {
			join := request{kind: reqJoin, slots: slots, done: make(chan error, 1)}
			if err = r.send(ctx, join); err == nil {
				if err = r.await(ctx, join.done); err == nil {
					// The slots are the feed's again: their cursors are its to
					// write, so the position is read from what it published.
					r.log.Info("projections: rebuilt", "projections", names(slots), "events", events,
						"position", lowestPublished(slots), "duration", time.Since(start))
					done <- nil
					return
				}
			}
		}
		if fatal(err) {
			done <- err
			return
		}
		if ctx.Err() != nil {
			done <- r.stoppedErr()
			return
		}
		r.log.Warn("projections: rebuild read failed; retrying", "projections", names(slots), "retry_in", retry, "err", err)
		select {
		case <-time.After(retry):
		case <-ctx.Done():
		}
		retry = min(2*retry, r.opts.RetryMax)
	}
}

// fill applies the log to detached slots from where they stand until they reach
// the feed's position or the head of the log, reading the next pages while one is
// applied. A read failure comes back as it is, a refused event as an *ApplyError.
func (r *Runner) fill(ctx context.Context, slots []*slot, events *uint64) error {
	pages, stop := eventstore.ReadAhead(ctx, r.store, lowest(slots), r.opts.BatchSize)
	defer stop()
	for pg := range pages {
		if pg.Err != nil {
			return pg.Err
		}
		if len(pg.Events) == 0 {
			return nil
		}
		n, err := feed(slots, pg.Events, math.MaxUint64)
		*events += uint64(n)
		for _, s := range slots {
			s.publish()
		}
		pg.Recycle()
		if err != nil || lowest(slots) >= r.feedPos.Load() {
			return err
		}
	}
	return errors.Join(errReadAheadEnded, ctx.Err())
}

// join brings rebuilt slots to the feed position and puts them back on the feed.
func (r *Runner) join(ctx context.Context, slots []*slot) error {
	for {
		from := lowest(slots)
		if from >= r.pos {
			break
		}
		evs, err := r.store.ReadAll(ctx, from, r.opts.BatchSize)
		if err != nil {
			return err
		}
		n, err := feed(slots, evs, r.pos)
		if err != nil {
			return err
		}
		if n < len(evs) || len(evs) == 0 {
			break
		}
	}
	for _, s := range slots {
		s.rebuilding.Store(false)
	}
	for _, s := range slots {
		s.settle()
	}
	r.active = append(r.active, slots...)
	r.publish()
	r.commits.Wait()
	r.snapshot(slots, false)
	return nil
}

func lowest(slots []*slot) uint64 {
	low := uint64(math.MaxUint64)
	for _, s := range slots {
		low = min(low, s.cursor)
	}
	return low
}

// lowestPublished is lowest for slots another goroutine applies to.
func lowestPublished(slots []*slot) uint64 {
	low := uint64(math.MaxUint64)
	for _, s := range slots {
		low = min(low, s.applied.Load())
	}
	return low
}

func names(slots []*slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.name
	}
	return out
}

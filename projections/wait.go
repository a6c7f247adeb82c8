package projections

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// notifier wakes every waiter at once. It allocates a channel only when someone
// waits, so a feed nobody waits on pays a mutex and no allocation per batch.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) broadcast() {
	n.mu.Lock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
	n.mu.Unlock()
}

// until blocks until cond reports done or an error, re-checking at every change the
// feed publishes.
func (r *Runner) until(ctx context.Context, cond func() (bool, error)) error {
	for {
		woken := r.notify.wait()
		done, err := cond()
		if done || err != nil {
			return err
		}
		select {
		case <-woken:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *Runner) stoppedErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		return fmt.Errorf("%w: not started", ErrStopped)
	}
	if r.err != nil {
		return fmt.Errorf("%w: %w", ErrStopped, r.err)
	}
	return ErrStopped
}

func (r *Runner) stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.started || phase(r.phase.Load()) == phaseStopped || r.err != nil
}

// Position is the last log position that every projection on the feed has applied
// (projections being rebuilt are not on the feed).
func (r *Runner) Position() uint64 { return r.position.Load() }

// WaitFor returns nil once each named projection (all when none is named) serves
// reads and has applied position pos: the runner has finished its first catch-up
// and the projection is not being rebuilt. WaitFor(ctx, 0, name) is thus "may I
// read name now". It returns an ErrNotReady error when ctx ends first (the API
// answers 503 with Retry-After), an ErrStopped error when the runner is not
// running, and ErrUnknownProjection for a bad name. It does not poll: the feed
// wakes waiters when it publishes progress.
func (r *Runner) WaitFor(ctx context.Context, pos uint64, names ...string) error {
	slots, err := r.resolve(names)
	if err != nil {
		return err
	}
	err = r.until(ctx, func() (bool, error) {
		if r.stopped() {
			return false, r.stoppedErr()
		}
		return r.serving(slots, pos), nil
	})
	if ctx.Err() != nil && err == ctx.Err() {
		return fmt.Errorf("%w: waiting for position %d (applied: %d): %w", ErrNotReady, pos, r.Position(), err)
	}
	return err
}

func (r *Runner) serving(slots []*slot, pos uint64) bool {
	if !r.caughtUp.Load() {
		return false
	}
	for _, s := range slots {
		if s.rebuilding.Load() || s.applied.Load() < pos {
			return false
		}
	}
	return true
}

// Ready is the /readyz check: it reads the store's head (when the store is a
// HeadReader; else it uses the end of the log the last catch-up found) and waits,
// within ctx, until every projection is on the live feed and has applied it. A
// busy log therefore does not make readiness flap: Ready waits the few
// milliseconds the feed needs to reach the head it sampled.
func (r *Runner) Ready(ctx context.Context) error {
	if r.heads != nil {
		h, err := r.heads.HeadPosition(ctx)
		if err != nil {
			return fmt.Errorf("%w: reading the store head: %w", ErrNotReady, err)
		}
		r.noteHead(h)
	}
	head := r.head.Load()
	err := r.until(ctx, func() (bool, error) {
		if r.stopped() {
			return false, r.stoppedErr()
		}
		return phase(r.phase.Load()) == phaseLive && r.serving(r.slots, 0) && r.Position() >= head, nil
	})
	if ctx.Err() != nil && err == ctx.Err() {
		return fmt.Errorf("%w: %s at position %d, head %d: %w", ErrNotReady, phase(r.phase.Load()), r.Position(), head, err)
	}
	return err
}

// CaughtUp reports, without blocking or reading the store, that the runner is live,
// no projection is being rebuilt and every projection has applied the highest head
// position known (from the last catch-up, Ready or Lag). It is false while the
// runner starts, catches up, reconnects after a dropped subscription or after it
// stopped on an error.
func (r *Runner) CaughtUp() bool {
	return !r.stopped() && phase(r.phase.Load()) == phaseLive && r.serving(r.slots, 0) && r.Position() >= r.head.Load()
}

// Lag is how far (in log positions, which need not be consecutive) the slowest
// projection on the feed is behind the store head. It reads the head when the store
// is a HeadReader (waiting at most a second); otherwise the head is the end of the
// log the last catch-up found.
func (r *Runner) Lag() uint64 {
	if r.heads != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		h, err := r.heads.HeadPosition(ctx)
		cancel()
		if err == nil {
			r.noteHead(h)
		}
	}
	if h, p := r.head.Load(), r.Position(); h > p {
		return h - p
	}
	return 0
}

// ProjectionStatus describes one projection.
type ProjectionStatus struct {
	Name             string `json:"name"`
	Position         uint64 `json:"position"`
	Rebuilding       bool   `json:"rebuilding"`
	SnapshotPosition uint64 `json:"snapshot_position"`
}

// Status is the runner's state for the admin route and logs.
type Status struct {
	Phase    string `json:"phase"`
	Position uint64 `json:"position"`
	Head     uint64 `json:"head"`
	CaughtUp bool   `json:"caught_up"`
	// LastSnapshotPause is how long the feed last held still to snapshot.
	LastSnapshotPause time.Duration      `json:"last_snapshot_pause_ns"`
	Error             string             `json:"error,omitempty"`
	Projections       []ProjectionStatus `json:"projections"`
}

// Status reports the runner's state; the head is the highest known, not re-read.
func (r *Runner) Status() Status {
	st := Status{Phase: phase(r.phase.Load()).String(), Position: r.Position(), Head: r.head.Load(),
		CaughtUp: r.CaughtUp(), LastSnapshotPause: time.Duration(r.lastPause.Load())}
	if err := r.Err(); err != nil {
		st.Error = err.Error()
	}
	for _, s := range r.slots {
		st.Projections = append(st.Projections, ProjectionStatus{Name: s.name, Position: s.applied.Load(),
			Rebuilding: s.rebuilding.Load(), SnapshotPosition: s.snapshotAt.Load()})
	}
	return st
}

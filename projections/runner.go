package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// SnapshotFolder is the sub-folder of the data folder that holds <name>.snap files.
const SnapshotFolder = "projections"

// Options tune a Runner; zero fields take the defaults.
type Options struct {
	// BatchSize is the ReadAll batch of catch-up and rebuilds (default 4096).
	BatchSize int
	// SnapshotEvery snapshots after this many events applied (default 1,000,000),
	// SnapshotInterval after this long with anything new (default 5 minutes).
	SnapshotEvery    uint64
	SnapshotInterval time.Duration
	// RetryMin and RetryMax bound the backoff after a failed read or a dropped
	// subscription (default 100 ms and 10 s).
	RetryMin, RetryMax time.Duration
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 4096
	}
	if o.SnapshotEvery == 0 {
		o.SnapshotEvery = 1_000_000
	}
	if o.SnapshotInterval <= 0 {
		o.SnapshotInterval = 5 * time.Minute
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 100 * time.Millisecond
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(10*time.Second, o.RetryMin)
	}
	return o
}

type phase int32

const (
	phaseIdle phase = iota
	phaseCatchingUp
	phaseLive
	phaseReconnecting
	phaseStopped
)

func (p phase) String() string {
	return [...]string{"idle", "catching_up", "live", "reconnecting", "stopped"}[p]
}

// Runner feeds projections from the global log. Create it with NewRunner, then
// Start it; all methods are safe for concurrent use.
type Runner struct {
	store   eventstore.Store
	heads   HeadReader
	snapDir string
	log     *slog.Logger
	opts    Options
	slots   []*slot
	byName  map[string]*slot

	mu      sync.Mutex
	started bool
	err     error
	// finalErr is the final snapshot's failure, written before done is closed.
	finalErr error
	runCtx   context.Context
	cancel   context.CancelFunc
	done     chan struct{}
	ctrl     chan request
	workers  sync.WaitGroup // rebuilds

	// Owned by the feed goroutine.
	active    []*slot
	pos       uint64 // last position read and applied to every active slot
	sinceSnap uint64
	retry     time.Duration
	tick      *time.Ticker

	commits    sync.WaitGroup
	committing atomic.Bool

	position  atomic.Uint64 // last position every active projection has applied
	feedPos   atomic.Uint64
	head      atomic.Uint64 // highest head position known
	phase     atomic.Int32
	caughtUp  atomic.Bool // the first catch-up finished
	lastPause atomic.Int64
	notify    notifier
}

// NewRunner prepares a runner over store for the projections ps. dir is the data
// folder: snapshots go to dir/projections/<name>.snap; dir "" keeps no snapshots
// (every start replays from position 0). A nil logger discards.
func NewRunner(store eventstore.Store, dir string, logger *slog.Logger, ps ...Projection) (*Runner, error) {
	if store == nil {
		return nil, errors.New("projections: nil store")
	}
	if err := checkNames(ps); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Runner{store: store, log: logger, opts: Options{}.withDefaults(), byName: map[string]*slot{},
		done: make(chan struct{}), ctrl: make(chan request)}
	r.heads, _ = store.(HeadReader)
	if dir != "" {
		r.snapDir = filepath.Join(dir, SnapshotFolder)
	}
	r.slots = newSlots(ps)
	for _, s := range r.slots {
		r.byName[s.name] = s
	}
	return r, nil
}

func newSlots(ps []Projection) []*slot {
	out := make([]*slot, len(ps))
	for i, p := range ps {
		out[i] = &slot{p: p, name: p.Name()}
	}
	return out
}

// SetOptions changes the tuning; only before Start.
func (r *Runner) SetOptions(o Options) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("projections: SetOptions after Start")
	}
	r.opts = o.withDefaults()
	return nil
}

// Start returns at once; in the background it restores each projection from its
// snapshot (a missing, damaged or outdated one, or one whose checkpoint event the log
// no longer holds, is discarded with a log line and the projection starts from
// position 0), then feeds the log: catch-up reads from the lowest checkpoint, then a
// live subscription. WaitFor(ctx, 0) tells when reads are served.
// Cancelling ctx stops the runner as Close does.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return errors.New("projections: runner already started")
	}
	r.started = true
	r.runCtx, r.cancel = context.WithCancel(ctx)
	r.mu.Unlock()
	if err := r.prepare(); err != nil {
		r.stop(err)
		r.cancel()
		r.phase.Store(int32(phaseStopped))
		close(r.done)
		return err
	}
	go r.run(r.runCtx)
	return nil
}

// prepare checks the snapshot folder. Restoring the snapshots is the feed's first
// step, in the background: a server on a large ledger listens at once and answers
// "not ready" until its read models are back.
func (r *Runner) prepare() error {
	if r.snapDir != "" {
		if err := os.MkdirAll(r.snapDir, 0o750); err != nil {
			return fmt.Errorf("projections: snapshot folder: %w", err)
		}
		if err := removeTemps(r.snapDir); err != nil {
			return fmt.Errorf("projections: snapshot folder: %w", err)
		}
	}
	return nil
}

// restoreAll brings every projection back from its snapshot and sets the feed to
// resume from the lowest checkpoint.
func (r *Runner) restoreAll(ctx context.Context) error {
	for i, s := range r.slots {
		if err := r.restore(ctx, s); err != nil {
			return err
		}
		if i == 0 || s.cursor < r.pos {
			r.pos = s.cursor
		}
	}
	r.active = append([]*slot(nil), r.slots...)
	r.publish()
	return nil
}

// Close stops the feed and any rebuild, writes a final snapshot of every projection
// that changed since its last one, and returns the first snapshot error.
func (r *Runner) Close() error {
	r.mu.Lock()
	started, cancel := r.started, r.cancel
	r.mu.Unlock()
	if !started {
		return nil
	}
	cancel()
	<-r.done
	return r.finalErr
}

// Err is the error that stopped the runner (an *ApplyError for a poison event), or
// nil while it runs and after a clean Close.
func (r *Runner) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Done is closed once the runner has stopped and written its final snapshots.
func (r *Runner) Done() <-chan struct{} { return r.done }

func (r *Runner) stop(err error) {
	r.mu.Lock()
	first := r.err == nil
	if first {
		r.err = err
	}
	r.mu.Unlock()
	if first {
		var aerr *ApplyError
		if errors.As(err, &aerr) {
			r.log.Error("projections: runner stopped: a projection refused an event",
				"projection", aerr.Projection, "position", aerr.Position, "event_id", aerr.EventID,
				"event_type", aerr.EventType, "err", aerr.Err)
		} else {
			r.log.Error("projections: runner stopped", "position", r.pos, "err", err)
		}
	}
}

func (r *Runner) setPhase(p phase) {
	if phase(r.phase.Swap(int32(p))) != p {
		r.notify.broadcast()
	}
}

// publish makes the feed's progress visible to readers and wakes waiters.
func (r *Runner) publish() {
	low := r.pos
	for _, s := range r.active {
		s.publish()
		low = min(low, s.cursor)
	}
	r.feedPos.Store(r.pos)
	r.position.Store(low)
	r.notify.broadcast()
}

func (r *Runner) noteHead(h uint64) {
	for {
		cur := r.head.Load()
		if h <= cur || r.head.CompareAndSwap(cur, h) {
			return
		}
	}
}

func (r *Runner) resolve(names []string) ([]*slot, error) {
	if len(names) == 0 {
		return r.slots, nil
	}
	out := make([]*slot, 0, len(names))
	for _, n := range names {
		s, ok := r.byName[n]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownProjection, n)
		}
		out = append(out, s)
	}
	return out, nil
}

// Names lists the projections in registration order.
func (r *Runner) Names() []string {
	out := make([]string, len(r.slots))
	for i, s := range r.slots {
		out[i] = s.name
	}
	return out
}

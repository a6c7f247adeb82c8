package projections

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// snapshot writes the changed, whole slots among slots. The feed holds still only
// while each projection streams its state into a temporary file (page cache); the
// fsync and rename run on another goroutine. A periodic snapshot (force false) is
// skipped while the previous one is still being made durable; a forced one waits
// for it and is durable when snapshot returns.
func (r *Runner) snapshot(slots []*slot, force bool) error {
	if r.snapDir == "" {
		r.sinceSnap = 0
		return nil
	}
	if r.committing.Load() {
		if !force {
			return nil
		}
		r.commits.Wait()
	}
	start := time.Now()
	var batch []*pendingSnap
	var errs []error
	for _, s := range slots {
		if s.failed || s.rebuilding.Load() || (s.cursor == s.snapAt && !s.snapFailed.Load()) {
			continue
		}
		ps, err := writeTemp(r.snapDir, s.p, s.header())
		if err != nil {
			s.snapFailed.Store(true)
			r.log.Warn("projections: snapshot not written", "projection", s.name, "position", s.cursor, "err", err)
			errs = append(errs, fmt.Errorf("projections: snapshot %s: %w", s.name, err))
			continue
		}
		ps.s = s
		s.snapAt = s.cursor
		batch = append(batch, ps)
	}
	r.sinceSnap = 0
	if len(batch) == 0 {
		return errors.Join(errs...)
	}
	pause := time.Since(start)
	r.lastPause.Store(int64(pause))
	r.log.Debug("projections: snapshot taken", "projections", len(batch), "position", r.pos, "pause", pause)
	r.committing.Store(true)
	r.commits.Add(1)
	if force {
		return errors.Join(append(errs, r.commit(batch)...)...)
	}
	go r.commit(batch)
	return errors.Join(errs...)
}

func (r *Runner) commit(batch []*pendingSnap) []error {
	defer func() {
		r.committing.Store(false)
		r.commits.Done()
	}()
	var errs []error
	for _, ps := range batch {
		if err := ps.commit(); err != nil {
			ps.s.snapFailed.Store(true)
			r.log.Warn("projections: snapshot not saved", "projection", ps.s.name, "position", ps.checkpoint, "err", err)
			errs = append(errs, fmt.Errorf("projections: snapshot %s: %w", ps.s.name, err))
			continue
		}
		ps.s.snapFailed.Store(false)
		ps.s.snapshotAt.Store(ps.checkpoint)
	}
	return errs
}

// restore loads a slot from its snapshot when the snapshot is sound, was written by
// this version of the projection and matches the log; otherwise the slot starts
// empty at position 0. Only a failure to read the log is an error.
func (r *Runner) restore(ctx context.Context, s *slot) error {
	s.reset()
	if r.snapDir == "" {
		return nil
	}
	f, h, err := openSnapshot(snapPath(r.snapDir, s.name))
	if errors.Is(err, fs.ErrNotExist) {
		r.log.Info("projections: no snapshot; building from position 0", "projection", s.name)
		return nil
	}
	if err != nil {
		r.log.Warn("projections: snapshot discarded; rebuilding from position 0", "projection", s.name, "err", err)
		return nil
	}
	defer f.Close()
	discard := func(why string, args ...any) {
		r.log.Warn("projections: snapshot discarded; rebuilding from position 0",
			append([]any{"projection", s.name, "reason", why}, args...)...)
	}
	if h.Name != s.name {
		discard("written for another projection", "snapshot_of", h.Name)
		return nil
	}
	if v := s.p.SnapshotVersion(); h.Version != v {
		discard("snapshot version differs", "snapshot_version", h.Version, "projection_version", v)
		return nil
	}
	ok, err := matchesLog(ctx, r.store, h)
	if err != nil {
		return fmt.Errorf("projections: checking the %s snapshot against the log: %w", s.name, err)
	}
	if !ok {
		discard("the log does not hold the snapshot's checkpoint event", "checkpoint", h.Checkpoint)
		return nil
	}
	start := time.Now()
	if err := s.p.Restore(bufio.NewReaderSize(io.LimitReader(f, int64(h.PayloadLen)), ioBufSize)); err != nil {
		s.p.Reset()
		discard("Restore failed", "err", err)
		return nil
	}
	s.cursor, s.idPos, s.lastID, s.lastHash, s.snapAt = h.Checkpoint, h.Checkpoint, h.EventID, h.EventHash, h.Checkpoint
	s.publish()
	s.snapshotAt.Store(h.Checkpoint)
	r.log.Info("projections: restored from snapshot", "projection", s.name, "position", h.Checkpoint,
		"bytes", h.PayloadLen, "duration", time.Since(start))
	return nil
}

// matchesLog reports whether the log holds the snapshot's checkpoint event at its
// position: a snapshot taken against another or a rewound log must not be used.
func matchesLog(ctx context.Context, log eventstore.Reader, h snapHeader) (bool, error) {
	if h.Checkpoint == 0 {
		return true, nil
	}
	evs, err := log.ReadAll(ctx, h.Checkpoint-1, 1)
	if err != nil {
		return false, err
	}
	return len(evs) == 1 && evs[0].Position == h.Checkpoint && evs[0].EventID == h.EventID && evs[0].Hash == h.EventHash, nil
}

package projections

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Stats describes an offline replay.
type Stats struct {
	Events uint64 `json:"events"`
	// Streams counts the streams met: each stream's first event (version 0).
	Streams  uint64        `json:"streams"`
	Position uint64        `json:"position"` // last position applied
	Duration time.Duration `json:"duration"` // reading and applying, snapshots excluded
	// EventsPerSecond is Events over Duration.
	EventsPerSecond float64 `json:"events_per_second"`
	// SnapshotDuration is the time spent writing the fresh snapshots.
	SnapshotDuration time.Duration `json:"snapshot_duration"`
}

// ReplayBatch is the ReadAll batch Replay uses.
const ReplayBatch = 4096

// Replay rebuilds projections offline (what `ledger replay` runs when no server
// holds the data folder): it deletes their snapshots, resets them, applies the log
// from position 0 to its end and writes fresh snapshots to dir/projections (none
// when dir is ""). progress, if not nil, is called after every batch with the last
// position applied and the events so far. A projection refusing an event stops the
// replay with an *ApplyError and no snapshot is written.
func Replay(ctx context.Context, log eventstore.Reader, dir string, progress func(pos, events uint64), ps ...Projection) (Stats, error) {
	var st Stats
	if err := checkNames(ps); err != nil {
		return st, err
	}
	if len(ps) == 0 {
		return st, errors.New("projections: a replay needs a projection to fold")
	}
	slots := newSlots(ps)
	snapDir := ""
	if dir != "" {
		snapDir = filepath.Join(dir, SnapshotFolder)
		if err := os.MkdirAll(snapDir, 0o750); err != nil {
			return st, fmt.Errorf("projections: snapshot folder: %w", err)
		}
		if err := removeTemps(snapDir); err != nil {
			return st, fmt.Errorf("projections: snapshot folder: %w", err)
		}
		for _, s := range slots {
			if err := removeSnapshot(snapDir, s.name); err != nil {
				return st, fmt.Errorf("projections: snapshot %s: %w", s.name, err)
			}
		}
	}
	for _, s := range slots {
		s.reset()
		// Nothing reads the projections before settle below.
		if b, ok := s.p.(BulkLoader); ok {
			b.BeginBulk()
		}
	}
	start := time.Now()
	// The projections fold events without looking at their hash chain; the snapshot
	// headers that record one are completed below from single reads.
	pages, stop := eventstore.ReadAheadForFold(ctx, log, 0, ReplayBatch)
	defer stop()
	staged, stopStage := stage(pages, slots)
	defer stopStage()
	for sp := range staged {
		evs, err := sp.Events, sp.Err
		if err != nil {
			return st.done(start), err
		}
		if len(evs) == 0 {
			break
		}
		n, err := sp.fold(slots[0])
		st.Events += uint64(n)
		for i := range evs[:n] {
			if evs[i].StreamVersion == 0 {
				st.Streams++
			}
		}
		if n > 0 {
			st.Position = max(st.Position, evs[n-1].Position)
		}
		if err != nil {
			return st.done(start), err
		}
		if progress != nil {
			progress(st.Position, st.Events)
		}
		// Projections copy what they keep out of an event, never the page itself.
		sp.Recycle()
	}
	st = st.done(start)
	// The stage hands the other projections back.
	stopStage()
	// Cancelled after the read-ahead had already reached the end of the log: the
	// state is whole, but whoever cancelled asked for nothing more to be written.
	if err := ctx.Err(); err != nil {
		return st, err
	}
	for _, s := range slots {
		s.settle()
	}
	if snapDir == "" {
		return st, nil
	}
	snapStart := time.Now()
	for _, s := range slots {
		if err := s.identifyWhole(ctx, log); err != nil {
			return st, fmt.Errorf("projections: snapshot %s: %w", s.name, err)
		}
		ps, err := writeTemp(snapDir, s.p, s.header())
		if err == nil {
			err = ps.commit()
		}
		if err != nil {
			return st, fmt.Errorf("projections: snapshot %s: %w", s.name, err)
		}
	}
	st.SnapshotDuration = time.Since(snapStart)
	return st, nil
}

func (st Stats) done(start time.Time) Stats {
	st.Duration = time.Since(start)
	if secs := st.Duration.Seconds(); secs > 0 {
		st.EventsPerSecond = float64(st.Events) / secs
	}
	return st
}

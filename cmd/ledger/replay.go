package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/importer"
	"github.com/pathway-ledger/ledger/internal/gcfloor"
	"github.com/pathway-ledger/ledger/projections"
)

// replayHeadroom is the heap a replay may reach before its first collection
// (internal/gcfloor): far more headroom than GOGC gives a trust of 100,000
// pathways; past it, paced by how much of the log is left. At a million pathways
// 150 MiB was faster than 128 MiB in 3 alternated pairs out of 3 and peaked at
// 175-178 MB; 160 MiB peaked at 184-189 MB, over the scale target (BENCHMARKS.md).
// Once the next page was decoded beside the fold (projections.Preparer), the heap
// grew faster while each collection marked, and 150 MiB peaked at 180-183 MB;
// 145 MiB brings that back to about 179 MB for four more collections (31 to 35).
const replayHeadroom = 145 << 20

// replay rebuilds every read model from position 0 and writes fresh snapshots, so the
// next `ledger serve` starts from them instead of replaying the log.
func replay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	store, err := sf.openForReplay(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ledger replay: %v\n", err)
		return 1
	}
	defer store.Close()
	model, sessionsModel, tracker := newProjections(store)
	total := logSize(ctx, store)
	progress := importer.NewProgress(stderr, total, "replay").WithUnit("events")
	var done uint64
	pacer := gcfloor.Start(replayHeadroom)
	st, err := projections.Replay(ctx, store, sf.data, func(_, events uint64) {
		progress.Add(int64(events - done))
		pacer.Progress(events, uint64(total))
		done = events
	}, model, sessionsModel, tracker)
	pacer.Stop()
	if err != nil {
		progress.Stop()
		fmt.Fprintf(stderr, "ledger replay: %v\n", err)
		return 1
	}
	progress.Done()
	fmt.Fprintf(stdout, "replayed %d events of %d streams to position %d in %s (%.0f events/s); snapshots written in %s; %d open pathways, %d sessions, %d session bookings owed to pathways\n",
		st.Events, st.Streams, st.Position, st.Duration.Round(time.Millisecond), st.EventsPerSecond,
		st.SnapshotDuration.Round(time.Millisecond), model.OpenPathways(), sessionsModel.Len(), len(tracker.Pending()))
	if s, ok := store.(*sqlite.Store); ok {
		fmt.Fprintf(stdout, "log read %s\n", s.FoldReads())
	}
	fmt.Fprintln(stdout, memoryLine(model.OpenPathways()))
	// The models must still be live when memoryLine collects and measures.
	runtime.KeepAlive(model)
	runtime.KeepAlive(sessionsModel)
	runtime.KeepAlive(tracker)
	return 0
}

// logSize is how many events the log holds, for a progress percentage and ETA, when
// the store can tell: the embedded store's positions are gap-free, so its head is the
// count. KurrentDB's positions are byte offsets: 0, progress without a percentage.
func logSize(ctx context.Context, store eventstore.Store) int64 {
	if _, gapFree := store.(*sqlite.Store); !gapFree {
		return 0
	}
	n, _ := headPosition(ctx, store)
	return int64(n)
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/pathway-ledger/ledger/projections"
)

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
	store, err := sf.open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ledger replay: %v\n", err)
		return 1
	}
	defer store.Close()
	model, sessionsModel, tracker := newProjections(store)
	start := time.Now()
	last := start
	st, err := projections.Replay(ctx, store, sf.data, func(pos, events uint64) {
		if time.Since(last) >= time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "replay: %d events, position %d (%.0f events/s)\n", events, pos, float64(events)/time.Since(start).Seconds())
		}
	}, model, sessionsModel, tracker)
	if err != nil {
		fmt.Fprintf(stderr, "ledger replay: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "replayed %d events to position %d in %s (%.0f events/s); snapshots written in %s; %d open pathways, %d sessions, %d session bookings owed to pathways\n",
		st.Events, st.Position, st.Duration.Round(time.Millisecond), st.EventsPerSecond,
		st.SnapshotDuration.Round(time.Millisecond), model.OpenPathways(), sessionsModel.Len(), len(tracker.Pending()))
	fmt.Fprintln(stdout, memoryLine(model.OpenPathways()))
	// The models must still be live when memoryLine collects and measures.
	runtime.KeepAlive(model)
	runtime.KeepAlive(sessionsModel)
	runtime.KeepAlive(tracker)
	return 0
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
)

// verify walks every stream's hash chain and exits non-zero on the first broken link.
func verify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	store, err := sf.openReadOnly(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ledger verify: %v\n", err)
		return 1
	}
	defer store.Close()
	start := time.Now()
	progress := importer.NewProgress(stderr, logSize(ctx, store), "verify").WithUnit("events")
	var done uint64
	rep, err := eventstore.Verify(ctx, store, func(events, _ uint64) {
		progress.Add(int64(events - done))
		done = events
	})
	if err != nil {
		progress.Stop()
		fmt.Fprintf(stderr, "ledger verify: %v\n", err)
		return 1
	}
	progress.Done()
	took := time.Since(start)
	rate := 0.0
	if took > 0 {
		rate = float64(rep.Events) / took.Seconds()
	}
	fmt.Fprintf(stdout, "%d events in %d streams checked in %s (%.0f events/s)\n", rep.Events, rep.Streams, took.Round(time.Millisecond), rate)
	if !rep.OK {
		fmt.Fprintf(stdout, "INTEGRITY FAILURE: first broken link: %s\n", rep.Failures[0])
		for _, b := range rep.Failures[1:] {
			fmt.Fprintf(stdout, "also broken: %s\n", b)
		}
		return 1
	}
	fmt.Fprintln(stdout, "ok: every hash chain verifies")
	return 0
}

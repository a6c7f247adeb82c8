package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pathway-ledger/ledger/generator"
	"github.com/pathway-ledger/ledger/rtt"
)

// generate writes a synthetic trust into the store, or as NDJSON with --ndjson.
func generate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	n := fs.Int("pathways", 5000, "number of pathways")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same trust")
	todayFlag := fs.String("today", "", "last day anything has happened, YYYY-MM-DD (default: today in Europe/London)")
	history := fs.Int("history-days", 730, "referrals spread over this many days before today")
	weeks := fs.Int("session-weeks", 4, "weeks of theatre, day-case and endoscopy sessions planned from today")
	ndjson := fs.String("ndjson", "", "write NDJSON to this file (- for stdout) instead of the store")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	today := rtt.DateOf(time.Now())
	if *todayFlag != "" {
		d, err := rtt.ParseDate(*todayFlag)
		if err != nil {
			fmt.Fprintf(stderr, "ledger generate: --today: %v\n", err)
			return 2
		}
		today = d
	}
	cfg := generator.Config{Pathways: *n, Seed: *seed, Today: today, HistoryDays: *history, SessionWeeks: *weeks}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "ledger generate: %v\n", err)
		return 2
	}
	start := time.Now()
	if *ndjson != "" {
		w, closeFn, err := output(*ndjson, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "ledger generate: %v\n", err)
			return 1
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		st, err := generator.ToNDJSON(cfg, bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := closeFn(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(stderr, "ledger generate: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "wrote %d pathways, %d sessions, %d events in %s\n", st.Pathways, st.Sessions, st.Events, time.Since(start).Round(time.Millisecond))
		return 0
	}
	store, err := sf.open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ledger generate: %v\n", err)
		return 1
	}
	defer store.Close()
	last := time.Now()
	st, err := generator.ToStore(ctx, cfg, store, func(done int) {
		if time.Since(last) >= time.Second || done == cfg.Pathways {
			last = time.Now()
			rate := float64(done) / time.Since(start).Seconds()
			fmt.Fprintf(stderr, "generate: %d/%d pathways (%.0f%%), %.0f pathways/s\n", done, cfg.Pathways, 100*float64(done)/float64(max(cfg.Pathways, 1)), rate)
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "ledger generate: %v\n", err)
		return 1
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "generated %d pathways and %d sessions: %d events in %s (%.0f events/s)\n",
		st.Pathways, st.Sessions, st.Events, took.Round(time.Millisecond), float64(st.Events)/took.Seconds())
	return 0
}

func output(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

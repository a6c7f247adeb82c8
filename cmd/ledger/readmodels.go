package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/sessions"
)

// readModels are the projections a server keeps, fed by one runner, and the booking
// worker that acts on what the session-bookings projection says is outstanding.
type readModels struct {
	runner   *projections.Runner
	pathways *pathways.ReadModel
	sessions *sessions.ReadModel
	tracker  *booking.Tracker
	worker   *booking.Worker
}

// newProjections are every read model, as `ledger replay` rebuilds them; the
// pathways model re-reads from store what it does not keep.
func newProjections(store eventstore.Reader) (*pathways.ReadModel, *sessions.ReadModel, *booking.Tracker) {
	return pathways.New(pathways.WithLoader(pathways.StoreLoader(store))), sessions.New(), booking.NewTracker()
}

// startReadModels restores snapshots from the data folder, follows the log, and runs
// the booking worker until ctx ends.
func startReadModels(ctx context.Context, store eventstore.Store, dir string, log *slog.Logger) (*readModels, error) {
	rm := &readModels{}
	rm.pathways, rm.sessions, rm.tracker = newProjections(store)
	r, err := projections.NewRunner(store, dir, log, rm.pathways, rm.sessions, rm.tracker)
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	rm.runner = r
	rm.worker = &booking.Worker{Store: store, Tracker: rm.tracker, Log: log}
	// While the runner catches up the worker may look at work the log has already
	// completed further on; Do finds it done and writes nothing.
	go rm.worker.Run(ctx)
	return rm, nil
}

// milestonePolicy reads the 6-4-2 rule and the fill threshold a session must reach
// by fill_by (LEDGER_SESSION_MILESTONES, LEDGER_SESSION_FILL_THRESHOLD).
func milestonePolicy(rule, threshold string) (session.MilestonePolicy, error) {
	p := session.DefaultMilestonePolicy()
	if rule != "" {
		r, err := session.ParseMilestoneRule(rule)
		if err != nil {
			return p, err
		}
		p.Rule = r
	}
	if threshold != "" {
		f, err := strconv.ParseFloat(threshold, 64)
		if err != nil {
			return p, fmt.Errorf("fill threshold %q is not a number", threshold)
		}
		p.FillThreshold = f
	}
	return p, p.Validate()
}

// progress adapts the runner to api.Progress (every projection, no names).
type progress struct{ r *projections.Runner }

func (p progress) Position() uint64 { return p.r.Position() }
func (p progress) CaughtUp() bool   { return p.r.CaughtUp() }
func (p progress) WaitFor(ctx context.Context, pos uint64) error {
	return p.r.WaitFor(ctx, pos)
}

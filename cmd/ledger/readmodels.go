package main

import (
	"context"
	"log/slog"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// readModels are the projections a server keeps, fed by one runner.
type readModels struct {
	runner   *projections.Runner
	pathways *pathways.ReadModel
}

// startReadModels restores snapshots from the data folder and follows the log.
func startReadModels(ctx context.Context, store eventstore.Store, dir string, log *slog.Logger) (*readModels, error) {
	rm := &readModels{pathways: pathways.New()}
	r, err := projections.NewRunner(store, dir, log, rm.pathways)
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	rm.runner = r
	return rm, nil
}

// progress adapts the runner to api.Progress (every projection, no names).
type progress struct{ r *projections.Runner }

func (p progress) Position() uint64 { return p.r.Position() }
func (p progress) CaughtUp() bool   { return p.r.CaughtUp() }
func (p progress) WaitFor(ctx context.Context, pos uint64) error {
	return p.r.WaitFor(ctx, pos)
}

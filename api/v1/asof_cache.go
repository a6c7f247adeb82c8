package v1

import (
	"context"
	"sync"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// asOfSettled is how far in the past an instant must be for the ledger's knowledge
// at it to be final: events are stamped by the store's clock when appended, so
// nothing appended from now on can be recorded at or before an instant this old
// (unless the clock steps back further than this).
const asOfSettled = 5 * time.Minute

// asOfModels keeps the last pathways model built as known at a settled instant. An
// auditor reproducing a submitted return asks the same instant again and again (a
// census date, then the next); rebuilding from the whole log each time costs
// seconds at a trust's size and ~20 s at a million pathways. One model is kept (the
// size of the live one at most), and builds run one at a time, so that a burst of
// as-of requests neither multiplies the memory nor the work.
type asOfModels struct {
	mu    sync.Mutex
	at    time.Time
	model *pathways.ReadModel
	// build is pathways.BuildAsOf (tests count calls).
	build func(ctx context.Context, r eventstore.Reader, asOf time.Time) (*pathways.ReadModel, error)
}

// get returns the model as known at asOf, built or from the cache. now is the
// server's clock.
func (c *asOfModels) get(ctx context.Context, r eventstore.Reader, asOf, now time.Time) (*pathways.ReadModel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model != nil && c.at.Equal(asOf) {
		return c.model, nil
	}
	build := c.build
	if build == nil {
		build = pathways.BuildAsOf
	}
	m, err := build(ctx, r, asOf)
	if err != nil {
		return nil, err
	}
	if asOf.Before(now.Add(-asOfSettled)) {
		c.at, c.model = asOf, m
	}
	return m, nil
}

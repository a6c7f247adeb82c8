package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

// loadPathways folds every pathway stream of the log, optionally only with events
// recorded at or before asOf (what the ledger knew then). It reads the log once, in
// pages, and is what the offline exports run on.
func loadPathways(ctx context.Context, r eventstore.Reader, asOf *time.Time, progress func(events int)) (map[string]*pathway.State, error) {
	states := map[string]*pathway.State{}
	var after uint64
	n := 0
	for {
		page, err := r.ReadAll(ctx, after, 4096)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return states, nil
		}
		for i := range page {
			e := &page[i]
			after = e.Position
			if !strings.HasPrefix(e.Stream, "pathway-") || (asOf != nil && e.RecordedAt.After(*asOf)) {
				continue
			}
			ev, err := pathway.Decode(e.Type, e.SchemaVersion, e.Data)
			if err != nil {
				return nil, fmt.Errorf("%s@%d: %w", e.Stream, e.StreamVersion, err)
			}
			s := states[e.Stream]
			if s == nil {
				ns := pathway.New()
				s = &ns
				states[e.Stream] = s
			}
			*s = pathway.Evolve(*s, pathway.Recorded{Event: ev, EventID: e.EventID, StreamVersion: e.StreamVersion,
				RecordedAt: e.RecordedAt, Actor: pathway.Actor{User: e.Actor.User, Role: e.Actor.Role}})
			n++
		}
		if progress != nil {
			progress(n)
		}
	}
}

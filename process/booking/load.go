package booking

import (
	"context"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// LoadPathway reads and folds a pathway stream; ErrStreamNotFound when it has none.
func LoadPathway(ctx context.Context, r eventstore.Reader, stream string) (pathway.State, error) {
	evs, err := r.ReadStream(ctx, stream, 0, 0)
	if err != nil {
		return pathway.State{}, err
	}
	h := make([]pathway.Recorded, 0, len(evs))
	for i := range evs {
		r, err := pathways.Recorded(&evs[i])
		if err != nil {
			return pathway.State{}, err
		}
		h = append(h, r)
	}
	return pathway.Fold(h), nil
}

// LoadSession reads and folds a session stream with the version of its last event.
func LoadSession(ctx context.Context, r eventstore.Reader, stream string) (session.State, uint64, error) {
	evs, err := r.ReadStream(ctx, stream, 0, 0)
	if err != nil {
		return session.State{}, 0, err
	}
	var s session.State
	for _, e := range evs {
		ev, err := session.Decode(e.Type, e.SchemaVersion, e.Data)
		if err != nil {
			return session.State{}, 0, err
		}
		s = session.Evolve(s, ev)
	}
	return s, evs[len(evs)-1].StreamVersion, nil
}

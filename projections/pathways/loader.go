package pathways

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

// Loader returns a pathway's events that the log holds before a position, in stream
// order: what the model re-folds when an event arrives for a pathway it keeps only
// as return records, or when a retraction needs the history it does not keep. The
// answer depends on the log alone, so Apply stays deterministic in the events.
type Loader func(id string, before uint64) ([]pathway.Recorded, error)

// ErrNoLoader: the model needed a pathway's earlier events and was given no way to
// read them.
var ErrNoLoader = errors.New("pathways: no loader to re-read a pathway's events")

// loadTimeout bounds one re-read; a store that cannot answer in that time stops the
// runner (which resumes from its checkpoint) rather than skip a fact.
const loadTimeout = 30 * time.Second

// ReadHistory is a pathway's events as the log holds them, only those recorded at or
// before asOf when it is set: what an offline export folds whole for the few
// pathways it needs with their history. None when the log has no such stream.
func ReadHistory(r eventstore.Reader, id string, asOf *time.Time) ([]pathway.Recorded, error) {
	keep := func(ev *eventstore.Event) bool { return asOf == nil || !ev.RecordedAt.After(*asOf) }
	return storeLoader(r, keep)(id, math.MaxUint64)
}

// StoreLoader reads the pathway's stream from r.
func StoreLoader(r eventstore.Reader) Loader {
	return storeLoader(r, nil)
}

// storeLoader keeps only the events keep accepts (all when nil): BuildAsOf keeps
// those recorded by its instant.
func storeLoader(r eventstore.Reader, keep func(*eventstore.Event) bool) Loader {
	return func(id string, before uint64) ([]pathway.Recorded, error) {
		ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
		defer cancel()
		evs, err := r.ReadStream(ctx, StreamPrefix+id, 0, 0)
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("pathways: re-read pathway %s: %w", id, err)
		}
		out := make([]pathway.Recorded, 0, len(evs))
		for i := range evs {
			ev := &evs[i]
			if ev.Position >= before || (keep != nil && !keep(ev)) {
				continue
			}
			r, err := Recorded(ev)
			if err != nil {
				return nil, fmt.Errorf("pathways: re-read pathway %s: event %s: %w", id, ev.EventID, err)
			}
			out = append(out, r)
		}
		return out, nil
	}
}

// Recorded is a pathway stream's event as the aggregate folds it: the payload
// decoded, with the envelope's id, version, time and actor.
func Recorded(ev *eventstore.Event) (pathway.Recorded, error) {
	e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return pathway.Recorded{}, err
	}
	return recorded(ev, e), nil
}

func recorded(ev *eventstore.Event, e pathway.Event) pathway.Recorded {
	return pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: ev.StreamVersion, RecordedAt: ev.RecordedAt,
		Actor: pathway.Actor{User: ev.Actor.User, Role: ev.Actor.Role}}
}

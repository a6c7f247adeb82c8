package generator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
)

// Actor stamped on generated events.
var Actor = eventstore.Actor{User: "generator", Role: "admin"}

// Stats counts what a generation wrote.
type Stats struct {
	Pathways, Sessions, Events int
}

// envelopes turns a generated pathway into the data of one append.
func pathwayEnvelopes(p Pathway) ([]eventstore.EventData, error) {
	out := make([]eventstore.EventData, len(p.Events))
	for k, e := range p.Events {
		typ, data, err := pathway.Encode(e)
		if err != nil {
			return nil, err
		}
		out[k] = eventstore.EventData{EventID: EventID(p.ID, k), Type: typ, SchemaVersion: pathway.SchemaVersion,
			OccurredOn: e.On().String(), Actor: Actor, Data: data}
	}
	return out, nil
}

func sessionEnvelopes(s Session) ([]eventstore.EventData, error) {
	out := make([]eventstore.EventData, len(s.Events))
	for k, e := range s.Events {
		typ, data, err := session.Encode(e)
		if err != nil {
			return nil, err
		}
		out[k] = eventstore.EventData{EventID: EventID(s.ID, k), Type: typ, SchemaVersion: session.SchemaVersion,
			OccurredOn: e.On().String(), Actor: Actor, Data: data}
	}
	return out, nil
}

// ToStore writes the trust into a store: one append per stream (NoStream, so a second
// run with the same seed is refused per stream as already written — or, when the
// ids match, recognised as the same append), generated on all cores and written by 16
// concurrent appenders so the store's group commit shares fsyncs. progress is called
// with the pathways written so far.
func ToStore(ctx context.Context, cfg Config, store eventstore.Store, progress func(done int)) (Stats, error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, s := range Sessions(cfg) {
		evs, err := sessionEnvelopes(s)
		if err != nil {
			return st, err
		}
		if _, err := store.Append(ctx, "session-"+s.ID, eventstore.NoStream(), evs...); err != nil {
			return st, fmt.Errorf("generator: session %s: %w", s.ID, err)
		}
		st.Sessions++
		st.Events += len(evs)
	}
	jobs := make(chan int, 256)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	workers := max(16, runtime.GOMAXPROCS(0))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := Generate(cfg, i)
				evs, err := pathwayEnvelopes(p)
				if err == nil {
					_, err = store.Append(ctx, "pathway-"+p.ID, eventstore.NoStream(), evs...)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("generator: pathway %d: %w", i, err)
				}
				if err == nil {
					st.Pathways++
					st.Events += len(evs)
					if progress != nil && st.Pathways%1000 == 0 {
						progress(st.Pathways)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < cfg.Pathways; i++ {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if progress != nil && st.Pathways%1000 != 0 {
		progress(st.Pathways)
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return st, firstErr
}

// record is one NDJSON line: a stream and an event envelope (the import format).
type record struct {
	Kind   string   `json:"kind"`
	Stream string   `json:"stream"`
	Event  envelope `json:"event"`
}

type envelope struct {
	EventID       string           `json:"event_id"`
	Type          string           `json:"type"`
	SchemaVersion int              `json:"schema_version"`
	OccurredOn    string           `json:"occurred_on"`
	Actor         eventstore.Actor `json:"actor"`
	Data          json.RawMessage  `json:"data"`
}

// ToNDJSON writes the trust as NDJSON, one event per line in stream order.
func ToNDJSON(cfg Config, w io.Writer) (Stats, error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	enc := json.NewEncoder(w)
	var st Stats
	write := func(stream string, evs []eventstore.EventData) error {
		for _, e := range evs {
			env := envelope{EventID: e.EventID, Type: e.Type, SchemaVersion: e.SchemaVersion, OccurredOn: e.OccurredOn, Actor: e.Actor, Data: e.Data}
			if err := enc.Encode(record{Kind: "event", Stream: stream, Event: env}); err != nil {
				return err
			}
		}
		st.Events += len(evs)
		return nil
	}
	for _, s := range Sessions(cfg) {
		evs, err := sessionEnvelopes(s)
		if err == nil {
			err = write("session-"+s.ID, evs)
		}
		if err != nil {
			return st, err
		}
		st.Sessions++
	}
	for i := 0; i < cfg.Pathways; i++ {
		p := Generate(cfg, i)
		evs, err := pathwayEnvelopes(p)
		if err == nil {
			err = write("pathway-"+p.ID, evs)
		}
		if err != nil {
			return st, err
		}
		st.Pathways++
	}
	return st, nil
}

package pathways

import (
	"context"
	"errors"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

// Runs of events a batch is cut into: the write lock is held for one run at a time
// (a few hundred microseconds), so queries wait no longer than that during a
// replay, and a run is decoded while the one before is folded in. Each run is a
// hand-over between the decoding goroutine and the fold, and a goroutine woken
// on this 2-core machine waits for a thread: with runs of 128 a traced replay had
// one goroutine running for 0.9 s of 5.3; runs of 512 replayed 4-8% faster (21
// alternated pairs; BENCHMARKS, ninth round).
const (
	batchRun = 512
	// batchInline: a batch this short (the live tail, an event or a few at a time)
	// is decoded where it is applied: a goroutine would cost more than it saves.
	batchInline = 256
)

// decoded is one event of a batch ready to fold: its pathway id ("" for another
// stream's event, which the model ignores) and payload, boxed (e) or in a Prepare's
// slab (slabbed), or why it cannot be.
type decoded struct {
	id      string
	e       pathway.Event
	slabbed any
	err     error
}

// ApplyBatch implements projections.BatchApplier. Decoding the payloads (a sixth
// of applying an event) runs on a second goroutine a few runs of events ahead of
// the fold, which needs the model's lock and stays on the caller's goroutine.
func (m *ReadModel) ApplyBatch(evs []eventstore.Event) (int, error) {
	if len(evs) <= batchInline {
		// The runner calls this from one goroutine at a time, so the buffer is
		// the model's to reuse; clear drops the last batch's payloads.
		if cap(m.batch) < len(evs) {
			m.batch = make([]decoded, len(evs))
		}
		out := m.batch[:len(evs)]
		defer clear(out)
		for i := range evs {
			out[i] = decodeOne(&evs[i])
		}
		return m.foldRun(evs, out, 0, false)
	}
	p, fill := m.Prepare(evs)
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		fill(ctx)
	}()
	// The decoder reads evs[i].Data, which belongs to the caller once this returns.
	defer func() { cancel(); <-finished }()
	return m.ApplyPrepared(evs, p)
}

func decodeOne(ev *eventstore.Event) decoded {
	d, ok := pathwayOf(ev)
	if ok {
		d.e, d.err = pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	}
	return d
}

// decodeInto is decodeOne with the payload decoded into slab.
func decodeInto(slab *pathway.Slab, ev *eventstore.Event) decoded {
	d, ok := pathwayOf(ev)
	if ok {
		d.slabbed, d.err = slab.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	}
	return d
}

// pathwayOf is ev's pathway id, and whether its payload is to be decoded: not for
// another stream's event, nor for a pathway stream without an id (refused).
func pathwayOf(ev *eventstore.Event) (decoded, bool) {
	id, ok := strings.CutPrefix(ev.Stream, StreamPrefix)
	switch {
	case !ok:
		return decoded{}, false
	case id == "":
		return decoded{err: errNoID}, false
	}
	return decoded{id: id}, true
}

var errNoID = errors.New("pathways: pathway stream without an id")

var errNotPrepared = errors.New("pathways: ApplyPrepared was given what Prepare did not make for these events")

// Settle implements projections.Settler: once the model follows the log's tail, the
// recent list goes back to recentCap, the pathways touched longest ago packed or
// turned into their return records.
func (m *ReadModel) Settle() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.catchingUp = false
	m.endCatchUp()
	if m.bulk {
		for p := m.recent.head; p != nil; p = p.next {
			if p.stale {
				m.reindex(p)
			}
		}
	}
	m.evict()
	m.unpark(0)
	if m.bulk {
		m.bulk, m.spareRecs, m.spares = false, nil, pathway.Spares{}
		// The load's page buffers and slabs go too (2 MB at a million pathways).
		for len(m.prepFree) > 0 {
			<-m.prepFree
		}
		m.buildIndexes()
	}
}

// BeginBulk implements projections.BulkLoader: until Settle, the model keeps its
// PTL indexes and duplicate index unbuilt and files every pathway in them there,
// sorted once. Moving pathways in and out of them event by event was a ninth of a
// date-ordered replay's CPU, for indexes nobody read before it ended.
func (m *ReadModel) BeginBulk() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bulk = true
}

// foldRun folds evs[from:] (decoded in out) under one hold of the write lock, and
// returns how many events of evs, from the first, are applied. A run of a page
// (catchUp) that met too many pathways no longer decoded widens the recent list.
func (m *ReadModel) foldRun(evs []eventstore.Event, out []decoded, from int, catchUp bool) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.misses = 0
	defer func() {
		if !catchUp {
			return
		}
		if m.misses*missShare > len(evs)-from {
			m.catchingUp = true
		}
		m.judgeWidth(len(evs) - from)
	}()
	for i := from; i < len(evs); i++ {
		d := &out[i]
		if d.err != nil {
			return i, d.err
		}
		if d.id == "" {
			continue
		}
		ev := &evs[i]
		r := recorded(ev, nil)
		r.Actor = m.actor(ev.Actor.User, ev.Actor.Role)
		var err error
		if d.slabbed != nil {
			err = m.applySlabbed(d.id, ev.Position, d.slabbed, r)
		} else {
			err = m.applyLocked(d.id, ev.Position, d.e, r)
		}
		if err != nil {
			return i, err
		}
		d.e, d.slabbed = nil, nil // let the payload go with the fold rather than with the batch
	}
	return len(evs), nil
}

package pathways

import (
	"context"

	"github.com/pathway-ledger/ledger/aggregates/pathway"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections"
)

// runsAhead bounds how many runs of events the decoder may be ahead of the fold:
// enough that the fold never waits at a run's end for the decoder, few enough that
// the strings of the payloads waiting to be folded stay a small part of the heap
// (the payloads themselves are in the page's slab): a page's worth.
const runsAhead = 8

// preparedPages bounds the decode buffers kept for reuse: one being folded, one
// being filled, and one between them.
const preparedPages = 3

// prepared is a batch decoded a run of events at a time by its fill while the fold
// takes the runs already decoded.
type prepared struct {
	*prepBuf
	// ready gets a token for each run decoded, in order; credit holds a token
	// for each run the decoder may yet decode ahead of the fold.
	ready, credit chan struct{}
}

// prepBuf is what Prepare decodes a page into, reused page after page: the events'
// places in the page, and the slab holding the events.
type prepBuf struct {
	out  []decoded
	slab pathway.Slab
}

func runsOf(n int) int { return (n + batchRun - 1) / batchRun }

// Prepare implements projections.Preparer: decoding needs nothing of the model, so
// a replay decodes its next page on another goroutine while it folds this one,
// runsAhead runs ahead of the fold at most.
func (m *ReadModel) Prepare(evs []eventstore.Event) (projections.Prepared, func(context.Context)) {
	var buf *prepBuf
	select {
	case buf = <-m.prepFree:
	default:
		buf = new(prepBuf)
	}
	if cap(buf.out) < len(evs) {
		buf.out = make([]decoded, len(evs))
	}
	buf.out = buf.out[:len(evs)]
	out, slab := buf.out, &buf.slab
	runs := runsOf(len(evs))
	p := &prepared{prepBuf: buf, ready: make(chan struct{}, runs), credit: make(chan struct{}, runs+runsAhead)}
	for range min(runs, runsAhead) {
		p.credit <- struct{}{}
	}
	fill := func(ctx context.Context) {
		for r := range runs {
			select {
			case <-p.credit:
			case <-ctx.Done():
				return
			}
			for i := r * batchRun; i < min((r+1)*batchRun, len(evs)); i++ {
				out[i] = decodeInto(slab, &evs[i])
			}
			p.ready <- struct{}{}
		}
	}
	return p, fill
}

// ApplyPrepared implements projections.Preparer: it folds each run of evs as its
// fill decodes it. The lock is taken a run at a time, so that queries wait no
// longer than one run (a few hundred microseconds) during a replay.
func (m *ReadModel) ApplyPrepared(evs []eventstore.Event, pv projections.Prepared) (int, error) {
	p, ok := pv.(*prepared)
	if !ok || len(p.out) != len(evs) {
		return 0, errNotPrepared
	}
	for r := range runsOf(len(evs)) {
		<-p.ready
		hi := min((r+1)*batchRun, len(evs))
		if n, err := m.foldRun(evs[:hi], p.out, r*batchRun, true); err != nil {
			// The fill may still be writing to out: it is not reused.
			return n, err
		}
		p.credit <- struct{}{}
	}
	// Every run was decoded and folded, so the fill is done with out and the slab,
	// and the fold with the events in it.
	clear(p.out)
	p.slab.Reset()
	select {
	case m.prepFree <- p.prepBuf:
	default:
	}
	return len(evs), nil
}

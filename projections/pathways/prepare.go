package pathways

import (
	"context"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections"
)

// runsAhead bounds how many runs of events the decoder may be ahead of the fold:
// enough that the fold never waits at a run's end for the decoder, few enough that
// the payloads waiting to be folded stay a small part of the heap.
const runsAhead = 8

// preparedPages bounds the decode buffers kept for reuse: one being folded, one
// being filled, and one between them.
const preparedPages = 3

// prepared is a batch decoded a run of events at a time by its fill while the fold
// takes the runs already decoded.
type prepared struct {
	out []decoded
	// ready gets a token for each run decoded, in order; credit holds a token
	// for each run the decoder may yet decode ahead of the fold.
	ready, credit chan struct{}
}

func runsOf(n int) int { return (n + batchRun - 1) / batchRun }

// Prepare implements projections.Preparer: decoding needs nothing of the model, so
// a replay decodes its next page on another goroutine while it folds this one,
// runsAhead runs ahead of the fold at most.
func (m *ReadModel) Prepare(evs []eventstore.Event) (projections.Prepared, func(context.Context)) {
	var out []decoded
	select {
	case out = <-m.prepFree:
	default:
	}
	if cap(out) < len(evs) {
		out = make([]decoded, len(evs))
	}
	out = out[:len(evs)]
	runs := runsOf(len(evs))
	p := &prepared{out: out, ready: make(chan struct{}, runs), credit: make(chan struct{}, runs+runsAhead)}
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
				out[i] = decodeOne(&evs[i])
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
	// Every run was decoded, so the fill is done with out.
	clear(p.out) // the payloads go with the fold, not with the buffer
	select {
	case m.prepFree <- p.out:
	default:
	}
	return len(evs), nil
}

package projections

import (
	"context"
	"math"
	"sync"

	"github.com/pathway-ledger/ledger/eventstore"
)

// stagedPage is a replay's page on its way from the read-ahead to the fold: the
// first projection's Prepared of it (nil when it prepares nothing), and where the
// other projections say how far they took it.
type stagedPage struct {
	eventstore.Page
	prepared Prepared
	rest     chan restOutcome
}

// restOutcome is how far the other projections took a page.
type restOutcome struct {
	n   int
	err error
}

// stage runs beside a replay's fold. One goroutine prepares each page for the first
// projection (the pathways model, which does nearly all the work), handing it to the
// fold before it fills it, so that the fold takes each run of events as it is
// decoded and the next page is decoded while this one's last runs are folded;
// another folds each page into the other projections, each on its own state. Before,
// the pathways model decoded each page on a goroutine started for the page, and
// the other projections folded it on another, which the fold waited for at the
// page's end: a traced replay had one goroutine running for a quarter of its time,
// and the two cores are now shared between reading, decoding, folding and the
// collector (BENCHMARKS.md, eighth round).
//
// The stage owns the other projections' slots until stop returns; stop must be
// called (it ends the stage early and waits for it). The stage ends after the page
// that ends the read.
func stage(pages <-chan eventstore.Page, slots []*slot) (out <-chan stagedPage, stop func()) {
	ch := make(chan stagedPage, 1)
	// Not the replay's context: a fill cut short would leave the fold waiting for
	// its page, so only stop, once nothing folds, ends the stage.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var toRest chan stagedPage
	if len(slots) > 1 {
		toRest = make(chan stagedPage, cap(ch)+1)
		wg.Go(func() { foldRest(ctx, toRest, slots[1:]) })
	}
	prep, _ := slots[0].p.(Preparer)
	wg.Go(func() {
		defer close(ch)
		if toRest != nil {
			defer close(toRest)
		}
		for {
			var pg eventstore.Page
			select {
			case p, ok := <-pages:
				if !ok {
					return
				}
				pg = p
			case <-ctx.Done():
				return
			}
			last := pg.Err != nil || len(pg.Events) == 0
			sp := stagedPage{Page: pg, rest: make(chan restOutcome, 1)}
			var fill func(context.Context)
			if !last && prep != nil {
				sp.prepared, fill = prep.Prepare(pg.Events)
			}
			if last || toRest == nil {
				sp.rest <- restOutcome{n: len(pg.Events)}
			} else {
				select {
				case toRest <- sp:
				case <-ctx.Done():
					return
				}
			}
			select {
			case ch <- sp:
			case <-ctx.Done():
				return
			}
			if last {
				return
			}
			if fill != nil {
				fill(ctx)
			}
		}
	})
	var once sync.Once
	return ch, func() {
		once.Do(cancel)
		wg.Wait()
	}
}

// foldRest folds each page into the other projections and says how far they took
// it. After a refusal it only answers, with the refusal, for pages still to come.
func foldRest(ctx context.Context, pages <-chan stagedPage, slots []*slot) {
	var refused error
	for sp := range pages {
		o := restOutcome{err: refused}
		if refused == nil {
			o.n, o.err = feed(slots, sp.Events, math.MaxUint64)
			refused = o.err
		}
		sp.rest <- o
		if ctx.Err() != nil {
			return
		}
	}
}

// fold applies a staged page to the first projection and joins the others'
// outcome: the error is the first projection's in order, the count the least
// applied.
func (sp *stagedPage) fold(first *slot) (int, error) {
	n, err := first.feed(sp.Events, sp.prepared)
	rest := <-sp.rest
	if err == nil {
		err = rest.err
	}
	return min(n, rest.n), err
}

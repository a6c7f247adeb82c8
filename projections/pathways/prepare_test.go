package pathways_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// As a replay does: each page is prepared, and its fill started, while the page
// before is still being folded, on another goroutine. The model answers exactly as
// Apply event by event does, however the log is cut into pages.
func TestPropertyPreparedPagesAnswerAsApply(t *testing.T) {
	evs, load, _ := interleavedLog(t, 300)
	rapid.Check(t, func(rt *rapid.T) {
		one, recent := eventByEvent(rt, evs, load)
		staged := pathways.New(pathways.WithLoader(load), pathways.WithRecent(recent))
		staged.BeginBulk()
		type page struct {
			lo, hi int
			p      projections.Prepared
		}
		// Drawn here: rapid draws on the test's goroutine only.
		var cuts []int
		for lo := 0; lo < len(evs); lo = cuts[len(cuts)-1] {
			cuts = append(cuts, min(len(evs), lo+rapid.IntRange(1, 1500).Draw(rt, "page")))
		}
		pages := make(chan page, 1)
		var wg sync.WaitGroup
		wg.Go(func() {
			defer close(pages)
			lo := 0
			for _, hi := range cuts {
				p, fill := staged.Prepare(evs[lo:hi])
				pages <- page{lo, hi, p}
				fill(context.Background())
				lo = hi
			}
		})
		for pg := range pages {
			n, err := staged.ApplyPrepared(evs[pg.lo:pg.hi], pg.p)
			require.NoError(rt, err)
			require.Equal(rt, pg.hi-pg.lo, n)
		}
		wg.Wait()
		staged.Settle()
		requireSameModel(rt, one, staged, evs)
	})
}

// What Prepare did not make for these events is refused, and nothing is applied.
func TestApplyPreparedRefusesAForeignValue(t *testing.T) {
	evs, load, _ := interleavedLog(t, 20)
	m := pathways.New(pathways.WithLoader(load))
	other, fill := m.Prepare(evs[:5])
	fill(context.Background())
	for _, p := range []projections.Prepared{nil, "decoded", other} {
		n, err := m.ApplyPrepared(evs, p)
		require.ErrorContains(t, err, "did not make for these events")
		require.Zero(t, n)
	}
	require.Zero(t, m.Pathways())
}

// In a log's pathway order (a generated trust, a migration) a bulk load reuses the
// recs of the pathways it drops for the pathways it meets next, page after page
// however cut, and answers exactly as Apply event by event does.
func TestPropertyRecycledRecsAnswerAsApply(t *testing.T) {
	evs, load, _ := generatedLog(t, 300, false)
	recycled := 0
	rapid.Check(t, func(rt *rapid.T) {
		one, recent := eventByEvent(rt, evs, load)
		bulk := pathways.New(pathways.WithLoader(load), pathways.WithRecent(recent))
		bulk.BeginBulk()
		applyInBatches(rt, bulk, evs, 1500)
		recycled += pathways.Recycled(bulk)
		bulk.Settle()
		requireSameModel(rt, one, bulk, evs)
	})
	require.Positive(t, recycled, "no rec was recycled")
}

package pathways

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// A model loaded in bulk (its indexes filed once, at Settle) answers every index
// query exactly as one that kept them event by event: the PTL whole and by
// specialty, duplicate candidates and session candidates.
func TestPropertyBulkLoadAnswersAsEventByEvent(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFeed(t, rapid.IntRange(1, 8).Draw(rt, "recent"))
		specs := []string{"100", "110", "130"}
		// Few start days, so that days hold several pathways ordered by id.
		drawPathways(rt, f, specs, 30, 5)
		bulk := New(WithLoader(f.load))
		bulk.recentCap = f.m.recentCap
		bulk.BeginBulk()
		applyPages(t, bulk, f.log, rapid.IntRange(1, 40).Draw(rt, "page"))
		bulk.Settle()

		on := d("2025-05-01")
		require.Equal(rt, f.m.OpenPathways(), bulk.OpenPathways())
		requireSamePTLs(rt, f.m, bulk, on, specs, "")
		for _, spec := range specs {
			wantCands, wantWithout := candidateIDs(f.m, spec, on)
			gotCands, gotWithout := candidateIDs(bulk, spec, on)
			require.Equal(rt, wantCands, gotCands, spec)
			require.Equal(rt, wantWithout, gotWithout, spec)
		}
		for id := range f.state {
			require.Equal(rt, f.m.DuplicateCandidates(id), bulk.DuplicateCandidates(id), id)
		}
		// The return records too: a bulk load indexes a pathway once it leaves the
		// recent list or the load settles, not after every event.
		for _, census := range []string{"2025-01-31", "2025-02-28", "2025-04-30", "2025-06-30"} {
			c := d(census)
			require.Equal(rt, f.m.Report(c), bulk.Report(c), "return for %s", census)
			require.Equal(rt, f.m.IncompleteOn(c), bulk.IncompleteOn(c), "incomplete on %s", census)
		}

		// After Settle the model keeps its indexes event by event again, in buckets
		// that are slices of one array: referrals on the same few days go into
		// them and stops take pathways out, in any mix, and no day's bucket may
		// write over the next one's.
		for k := range rapid.IntRange(1, 15).Draw(rt, "later") {
			before := len(f.log)
			if running := runningIDs(f); len(running) > 0 && rapid.Bool().Draw(rt, "stop") {
				f.do(rapid.SampledFrom(running).Draw(rt, "stopped"),
					pathway.RecordActivity{OccurredOn: d("2025-04-20"), Kind: "admission", RTTStatus: "30"})
			} else {
				id := fmt.Sprintf("n%02d", k)
				f.do(id, refer(id, rapid.SampledFrom(specs).Draw(rt, "spec"), d("2025-01-06").AddDays(rapid.IntRange(0, 5).Draw(rt, "day")).String()))
			}
			applyPages(t, bulk, f.log[before:], 1)
		}
		requireSamePTLs(rt, f.m, bulk, on, specs, " after later events")
		require.Equal(rt, f.m.OpenPathways(), bulk.OpenPathways())
	})
}

// requireSamePTLs holds got's PTL, whole and for each of specs, to want's on a day.
func requireSamePTLs(t require.TestingT, want, got *ReadModel, on rtt.Date, specs []string, when string) {
	for _, spec := range append([]string{""}, specs...) {
		w, _, err := want.WaitingList(Query{On: on, SpecialtyCode: spec, Limit: MaxLimit})
		require.NoError(t, err)
		g, _, err := got.WaitingList(Query{On: on, SpecialtyCode: spec, Limit: MaxLimit})
		require.NoError(t, err)
		require.Equal(t, w, g, "PTL of specialty %q%s", spec, when)
	}
}

// runningIDs lists, sorted, the pathways fed so far with a running period.
func runningIDs(f *feed) []string {
	var out []string
	for id, s := range f.state {
		if s.Running() != nil {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

package pathways

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
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
		for _, spec := range append([]string{""}, specs...) {
			want, _, err := f.m.WaitingList(Query{On: on, SpecialtyCode: spec, Limit: MaxLimit})
			require.NoError(rt, err)
			got, _, err := bulk.WaitingList(Query{On: on, SpecialtyCode: spec, Limit: MaxLimit})
			require.NoError(rt, err)
			require.Equal(rt, want, got, "PTL of specialty %q", spec)
			if spec == "" {
				continue
			}
			wantCands, wantWithout := candidateIDs(f.m, spec, on)
			gotCands, gotWithout := candidateIDs(bulk, spec, on)
			require.Equal(rt, wantCands, gotCands, spec)
			require.Equal(rt, wantWithout, gotWithout, spec)
		}
		for id := range f.state {
			require.Equal(rt, f.m.DuplicateCandidates(id), bulk.DuplicateCandidates(id), id)
		}

		// After Settle the model keeps its indexes event by event again.
		for id, s := range f.state {
			if s.Running() != nil {
				f.do(id, pathway.RecordActivity{OccurredOn: d("2025-04-20"), Kind: "admission", RTTStatus: "30"})
				applyPages(t, bulk, f.log[len(f.log)-1:], 1)
				break
			}
		}
		want, _, err := f.m.WaitingList(Query{On: on, Limit: MaxLimit})
		require.NoError(rt, err)
		got, _, err := bulk.WaitingList(Query{On: on, Limit: MaxLimit})
		require.NoError(rt, err)
		require.Equal(rt, want, got, "after a later clock stop")
	})
}

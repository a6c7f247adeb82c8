package pathways

import (
	"fmt"
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
		n := rapid.IntRange(1, 30).Draw(rt, "pathways")
		for i := range n {
			id := fmt.Sprintf("p%02d", rapid.IntRange(0, 99).Draw(rt, "id"))
			if _, seen := f.state[id]; seen {
				continue
			}
			spec := rapid.SampledFrom(specs).Draw(rt, "specialty")
			// Few start days, so that days hold several pathways ordered by id.
			start := d("2025-01-06").AddDays(rapid.IntRange(0, 5).Draw(rt, "start")).String()
			f.do(id, refer(id, spec, start))
			if rapid.Bool().Draw(rt, "listed") {
				f.do(id, pathway.AddToWaitingList{DecidedOn: d("2025-03-10"), ListType: "inpatient", Priority: "P3",
					ExpectedMinutes: rapid.IntRange(0, 120).Draw(rt, "minutes")})
			}
			switch rapid.IntRange(0, 3).Draw(rt, "then") {
			case 1:
				f.do(id, pathway.RecordActivity{OccurredOn: d("2025-04-01"), Kind: "admission", RTTStatus: "30"})
			case 2:
				f.do(id, pathway.RecordActivity{OccurredOn: d("2025-04-01"), Kind: "admission", RTTStatus: "30"})
				f.do(id, pathway.RecordActivity{OccurredOn: d("2025-04-02").AddDays(i % 3), Kind: "outpatient_follow_up", RTTStatus: "10"})
			}
		}
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

package pathways

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// The per-specialty PTL index and candidate sets answer exactly what filtering the
// whole list would, whatever mix of referrals, listings, stops and restarts came in.
func TestSpecialtyIndexesAgreeWithTheWholeList(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFeed(t)
		specs := []string{"100", "110", "130"}
		drawPathways(rt, f, specs, 25, 60)
		on := d("2025-05-01")
		all, _, err := f.m.WaitingList(Query{On: on, Limit: MaxLimit})
		require.NoError(rt, err)
		for _, spec := range specs {
			var want []string
			for _, it := range all {
				if it.SpecialtyCode == spec {
					want = append(want, it.PathwayID)
				}
			}
			got, _, err := f.m.WaitingList(Query{On: on, SpecialtyCode: spec, Limit: MaxLimit})
			require.NoError(rt, err)
			require.Equal(rt, want, ids(got), spec)

			var wantCands []string
			wantWithout := 0
			for id, st := range f.state {
				s := &st
				if s.SpecialtyCode == spec && s.Running() != nil && s.OpenEntry() != nil {
					if s.OpenEntry().ExpectedMinutes > 0 {
						wantCands = append(wantCands, id)
					} else {
						wantWithout++
					}
				}
			}
			gotCands, without := candidateIDs(f.m, spec, on)
			slices.Sort(wantCands)
			require.Equal(rt, wantCands, gotCands, spec)
			require.Equal(rt, wantWithout, without, spec)
		}
	})
}

// Ordering by the eight-byte key, then by the whole id, is ordering by id, for ids
// of any length and content.
func TestPropertyIDKeyOrderIsIDOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		alphabet := rapid.SampledFrom([]byte{0, 1, '-', '0', '9', 'a', 'f', 0x7f, 0xff})
		id := func(label string) string {
			return string(rapid.SliceOfN(alphabet, 0, 12).Draw(rt, label))
		}
		a, b := id("a"), id("b")
		got := cmp.Compare(idKey(a), idKey(b))
		if got == 0 {
			got = strings.Compare(a, b)
		}
		require.Equal(rt, strings.Compare(a, b), got, "%q vs %q", a, b)
	})
}

// drawPathways refers up to n pathways, with ids drawn in any order, each in one of
// specs with a clock starting within startDays of 6 January 2025; some are listed
// for admission, some then treated, some treated and started again.
func drawPathways(rt *rapid.T, f *feed, specs []string, n, startDays int) {
	for i := range rapid.IntRange(1, n).Draw(rt, "pathways") {
		id := fmt.Sprintf("p%02d", rapid.IntRange(0, 99).Draw(rt, "id"))
		if _, seen := f.state[id]; seen {
			continue
		}
		spec := rapid.SampledFrom(specs).Draw(rt, "specialty")
		f.do(id, refer(id, spec, d("2025-01-06").AddDays(rapid.IntRange(0, startDays).Draw(rt, "start")).String()))
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
}

package pathways

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// However few pathways the model keeps decoded — so that pathways are packed, go
// cold to their return records and come back by re-reading the log, retractions
// and corrections included — and across a snapshot and restore, it answers exactly
// what folding every stream whole answers.
func TestPropertyCompactModelAnswersAsWholeFolds(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFeed(t, rapid.IntRange(0, 3).Draw(rt, "recent"))
		whole := newFeed(t, 1<<30)
		n := rapid.IntRange(1, 10).Draw(rt, "pathways")
		idOf := func(i int) string {
			if i%2 == 0 {
				return uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(i)}).String()
			}
			return fmt.Sprintf("P-%d", i)
		}
		specs := []string{"110", "130"}
		nhs := []string{"9990000018", "9990000026"}
		for i := range n {
			c := pathway.Refer{PathwayID: idOf(i), Patient: pathway.Patient{NHSNumber: nhs[i%2]},
				SpecialtyCode: rapid.SampledFrom(specs).Draw(rt, "spec"), ReceivedOn: d("2025-01-06").AddDays(rapid.IntRange(0, 30).Draw(rt, "start"))}
			f.do(c.PathwayID, c)
		}
		steps := rapid.IntRange(0, 40).Draw(rt, "steps")
		snapAt := rapid.IntRange(0, steps).Draw(rt, "snapshot at")
		// The model goes on after its snapshot is taken, and so does the model
		// restored from it (fed the rest of the log at the end): taking a snapshot
		// must change nothing, and restoring must lose nothing.
		var back *ReadModel
		snapLen := 0
		for k := range steps {
			if k == snapAt {
				var buf bytes.Buffer
				require.NoError(rt, f.m.Snapshot(&buf))
				back = New(WithLoader(f.load))
				back.recentCap = f.m.recentCap
				require.NoError(rt, back.Restore(&buf))
				snapLen = len(f.log)
			}
			id := idOf(rapid.IntRange(0, n-1).Draw(rt, "pathway"))
			day := d("2025-02-01").AddDays(k * 3)
			var c pathway.Command
			switch rapid.IntRange(0, 9).Draw(rt, "command") {
			case 0:
				c = pathway.RecordActivity{OccurredOn: day, Kind: "admission", RTTStatus: rapid.SampledFrom([]string{"30", "32", "34", "10", "20"}).Draw(rt, "status")}
			case 1:
				c = pathway.RecordActivity{OccurredOn: day, Kind: "outpatient_follow_up", RTTStatus: "10"}
			case 2:
				c = pathway.AddToWaitingList{DecidedOn: day, ListType: rapid.SampledFrom([]string{"inpatient", "day_case", "planned"}).Draw(rt, "list"),
					Priority: rapid.SampledFrom([]rtt.Priority{"P2", "P3"}).Draw(rt, "priority"), ExpectedMinutes: rapid.IntRange(0, 90).Draw(rt, "minutes")}
			case 3:
				c = pathway.BookAdmission{BookingID: fmt.Sprintf("bk%d", k), AdmissionOn: day.AddDays(7), BookedOn: day}
			case 4:
				if st := f.state[id]; len(st.Bookings) > 0 {
					b := st.Bookings[len(st.Bookings)-1]
					c = pathway.CancelBooking{BookingID: b.BookingID, CancelledOn: b.AdmissionOn, CancelledBy: "hospital", Reason: "no bed"}
				}
			case 5:
				if st := f.state[id]; st.Version > 0 {
					v := rapid.IntRange(1, int(st.Version)).Draw(rt, "retract")
					c = pathway.RetractEvent{EventID: fmt.Sprintf("%s-%d", id, v), RetractedOn: day, Reason: "entered in error"}
				}
			case 6:
				if st := f.state[id]; st.Current() != nil {
					c = pathway.CorrectClockStart{PeriodStartedOn: st.Current().StartedOn, CorrectedStart: st.Current().StartedOn.AddDays(-5),
						CorrectedOn: day, Reason: "referral letter date"}
				}
			case 7:
				c = pathway.RecordValidation{ValidationID: fmt.Sprintf("v%d", k), ValidatedOn: day, Outcome: "confirmed"}
			case 8:
				c = pathway.RemoveFromWaitingList{RemovedOn: day, Reason: "treated elsewhere"}
			case 9:
				c = pathway.RecordActivity{OccurredOn: day, Kind: "outpatient_first", RTTStatus: "33", Attendance: "did_not_attend"}
			}
			if c != nil {
				_ = f.try(id, c)
			}
		}
		whole.log = f.log
		for _, ev := range f.log {
			require.NoError(rt, whole.m.Apply(ev))
		}
		on := d("2025-02-01").AddDays(steps*3 + 10)
		sameAnswers(rt, f.m, whole.m, on, specs, n, idOf)
		if back != nil {
			for _, ev := range f.log[snapLen:] {
				require.NoError(rt, back.Apply(ev))
			}
			sameAnswers(rt, back, whole.m, on, specs, n, idOf)
		}
		var want []rttreport.Period
		for _, st := range f.state {
			want = append(want, rttreport.FromPathway(&st)...)
		}
		for _, census := range []rtt.Date{d("2025-02-28"), on} {
			require.Equal(rt, rttreport.Compute(census, want), f.m.Report(census), "census %s", census)
		}
		// The PTL holds exactly the running periods, in (start, id) order, whatever
		// events were skipped by re-indexing.
		type key struct {
			start rtt.Date
			id    string
		}
		var wantPTL []key
		for id, st := range f.state {
			if st.Exists && st.Running() != nil {
				wantPTL = append(wantPTL, key{st.Running().StartedOn, id})
			}
		}
		slices.SortFunc(wantPTL, func(a, b key) int {
			if c := a.start.Compare(b.start); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		items, _, err := f.m.WaitingList(Query{On: on, Limit: MaxLimit})
		require.NoError(rt, err)
		var gotPTL []key
		for _, it := range items {
			gotPTL = append(gotPTL, key{it.StartedOn, it.PathwayID})
		}
		require.Equal(rt, wantPTL, gotPTL, "PTL membership and order")
		exists := 0
		for _, st := range f.state {
			if st.Exists {
				exists++
			}
		}
		require.Equal(rt, exists, f.m.Pathways())
	})
}

func sameAnswers(t require.TestingT, got, want *ReadModel, on rtt.Date, specs []string, n int, idOf func(int) string) {
	requireSamePTLs(t, want, got, on, specs, "")
	require.Equal(t, want.OpenPathways(), got.OpenPathways())
	require.Equal(t, want.Pathways(), got.Pathways())
	for _, spec := range specs {
		ca, wa := got.Candidates(spec, on.AddDays(7))
		cb, wb := want.Candidates(spec, on.AddDays(7))
		byID := func(x, y session_Candidate) int { return cmpString(x.PathwayID, y.PathwayID) }
		slices.SortFunc(ca, byID)
		slices.SortFunc(cb, byID)
		require.Equal(t, cb, ca, "candidates %s", spec)
		require.Equal(t, wb, wa)
	}
	ga, err := got.Guarantees(on, "")
	require.NoError(t, err)
	gb, err := want.Guarantees(on, "")
	require.NoError(t, err)
	require.Equal(t, gb, ga, "guarantees")
	for i := range n {
		require.Equal(t, want.DuplicateCandidates(idOf(i)), got.DuplicateCandidates(idOf(i)), "duplicates of %s", idOf(i))
	}
}

type session_Candidate = session.Candidate

func cmpString(a, b string) int { return strings.Compare(a, b) }

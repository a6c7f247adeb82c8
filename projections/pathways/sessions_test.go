package pathways

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/rtt"
)

func candidateIDs(m *ReadModel, spec string, day rtt.Date) ([]string, int) {
	cs, without := m.Candidates(spec, day)
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.PathwayID)
	}
	slices.Sort(ids)
	return ids, without
}

func TestCandidatesFollowEntriesClocksAndPreOp(t *testing.T) {
	f := newFeed(t)
	day := d("2025-06-10")
	for _, id := range []string{"a", "b", "c", "e"} {
		f.do(id, refer(id, "110", "2025-01-06"))
	}
	f.do("x", refer("x", "130", "2025-01-06"))
	f.do("a", pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P2", ExpectedMinutes: 90})
	f.do("b", pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P4", ExpectedMinutes: 60})
	f.do("c", pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
	f.do("x", pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "day_case", Priority: "P3", ExpectedMinutes: 20})
	ids, without := candidateIDs(f.m, "110", day)
	assert.Equal(t, []string{"a", "b"}, ids, "e has no decision to admit; c no expected minutes")
	assert.Equal(t, 1, without)

	valid := d("2025-08-01")
	f.do("a", pathway.RecordPreOp{AssessedOn: d("2025-04-01"), Outcome: "fit", ValidUntil: &valid,
		Requirements: pathway.Requirements{HDUBed: true}})
	f.do("a", pathway.BookAdmission{BookingID: "bk-a", AdmissionOn: day, SessionID: "s9", BookedOn: d("2025-04-02")})
	cs, _ := f.m.Candidates("110", day)
	require.Len(t, cs, 2)
	slices.SortFunc(cs, func(a, b session.Candidate) int { return strings.Compare(a.PathwayID, b.PathwayID) })
	a := cs[0]
	require.NotNil(t, a.PreOp)
	assert.Equal(t, "fit", a.PreOp.Outcome)
	assert.True(t, a.PreOp.Requirements.HDUBed)
	require.NotNil(t, a.PriorityDueOn)
	assert.Equal(t, "2025-03-31", a.PriorityDueOn.String(), "P2: 28 days from listing")
	assert.Equal(t, "2025-01-06", a.ClockStart.String())
	require.Len(t, a.OtherBookingsOnDate, 1)
	assert.Equal(t, "s9", a.OtherBookingsOnDate[0].SessionID)
	assert.Nil(t, cs[1].PriorityDueOn, "P4 has no due date")

	f.do("b", pathway.RecordActivity{OccurredOn: d("2025-05-01"), Kind: "admission", RTTStatus: "30"})
	ids, _ = candidateIDs(f.m, "110", day)
	assert.Equal(t, []string{"a"}, ids, "treated: no longer a candidate")
	ids, _ = candidateIDs(f.m, "130", day)
	assert.Equal(t, []string{"x"}, ids)

	var buf bytes.Buffer
	require.NoError(t, f.m.Snapshot(&buf))
	back := New(WithLoader(f.load))
	require.NoError(t, back.Restore(&buf))
	got, _ := back.Candidates("110", day)
	assert.Equal(t, cs[:1], got, "a restored model has the same candidates")
	back.Reset()
	ids, _ = candidateIDs(back, "110", day)
	assert.Empty(t, ids)
}

func TestGuaranteesListUntreatedTwentyEightDayDeadlines(t *testing.T) {
	f := newFeed(t)
	for _, id := range []string{"a", "b", "c"} {
		f.do(id, refer(id, "110", "2025-01-06"))
		f.do(id, pathway.BookAdmission{BookingID: "bk-" + id, AdmissionOn: d("2025-04-01"), BookedOn: d("2025-03-01")})
	}
	// a: cancelled on the day, non-clinical, by the hospital: guaranteed, then rebooked.
	f.do("a", pathway.CancelBooking{BookingID: "bk-a", CancelledOn: d("2025-04-01"), CancelledBy: "hospital", Reason: "no bed"})
	f.do("a", pathway.BookAdmission{BookingID: "bk-a2", AdmissionOn: d("2025-04-20"), BookedOn: d("2025-04-02")})
	// b: the same, not rebooked.
	f.do("b", pathway.CancelBooking{BookingID: "bk-b", CancelledOn: d("2025-04-01"), CancelledBy: "hospital", Reason: "no bed"})
	// c: cancelled on the day for a clinical reason: no guarantee.
	f.do("c", pathway.CancelBooking{BookingID: "bk-c", CancelledOn: d("2025-04-01"), CancelledBy: "hospital", Reason: "unwell", Clinical: true})

	guarantees := func(on rtt.Date, spec string) []Guarantee {
		g, err := f.m.Guarantees(on, spec)
		require.NoError(t, err)
		return g
	}
	g := guarantees(d("2025-04-10"), "")
	require.Len(t, g, 2)
	assert.Equal(t, "a", g[0].PathwayID)
	assert.Equal(t, "rebooked", g[0].Status)
	require.NotNil(t, g[0].RebookedOn)
	assert.Equal(t, "2025-04-20", g[0].RebookedOn.String())
	assert.Equal(t, "b", g[1].PathwayID)
	assert.Equal(t, "at_risk", g[1].Status)
	assert.Equal(t, "2025-04-29", g[1].Deadline.String())
	assert.Equal(t, 19, g[1].DaysLeft)
	assert.Equal(t, "breached", guarantees(d("2025-04-30"), "")[1].Status)
	assert.Empty(t, guarantees(d("2025-04-10"), "130"))

	f.do("b", pathway.RecordActivity{OccurredOn: d("2025-04-15"), Kind: "admission", RTTStatus: "30"})
	g = guarantees(d("2025-04-16"), "")
	require.Len(t, g, 1, "b was treated")
	assert.Equal(t, "a", g[0].PathwayID)
}

// A candidate's pre-op strings share nothing with the unpacked state they came
// from, and a value every pathway shares costs nothing to keep.
func TestOwnSharesOnlyInternedValues(t *testing.T) {
	block := []byte("fit|image intensifier")
	fit, kit := string(block[:3]), string(block[4:])
	require.Equal(t, "fit", own(fit))
	require.Same(t, unsafe.StringData(packIntern[packInternIndex["fit"]]), unsafe.StringData(own(fit)), "the interned copy")
	require.Equal(t, "image intensifier", own(kit))
	require.NotSame(t, unsafe.StringData(kit), unsafe.StringData(own(kit)), "a copy of its own")
	require.Zero(t, testing.AllocsPerRun(10, func() { _ = own(fit) }))
}

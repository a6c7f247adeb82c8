package rttreport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

func fold(t *testing.T, cmds ...pathway.Command) pathway.State {
	s := pathway.New()
	for _, c := range cmds {
		evs, err := pathway.Decide(s, c, pathway.DecideContext{Today: d("2027-01-01")})
		require.NoError(t, err)
		for _, e := range evs {
			s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: fmt.Sprint(s.Version + 1), StreamVersion: uint64(s.Version + 1)})
		}
	}
	return s
}

func TestFromPathwayFeedsEveryPart(t *testing.T) {
	refer := pathway.Refer{PathwayID: "p", Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06")}
	listed := fold(t, refer, pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
	treated := fold(t, refer, pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"},
		pathway.RecordActivity{OccurredOn: d("2025-03-20"), Kind: "admission", RTTStatus: "30"})
	transferred := fold(t, refer, pathway.RecordActivity{OccurredOn: d("2025-03-10"), Kind: "administrative", RTTStatus: "21"})

	var ps []Period
	for _, s := range []pathway.State{listed, treated, transferred} {
		ps = append(ps, FromPathway(&s)...)
	}
	r := Compute(d("2025-03-31"), ps)
	require.Equal(t, 1, r.Incomplete.Total, "the listed pathway; the transfer left on 10 Mar")
	require.Equal(t, 1, r.IncompleteWithDTA.Total)
	require.Equal(t, 1, r.CompletedAdmitted.Total)
	require.Equal(t, 0, r.CompletedNonAdmitted.Total, "a transfer is not a completed pathway")

	early := Compute(d("2025-02-28"), ps)
	require.Equal(t, 3, early.Incomplete.Total)
	require.Equal(t, 0, early.IncompleteWithDTA.Total, "no decision to admit yet in February")
}

// A patient taken off the list and put back on it while the clock runs has an open
// decision to admit again: the earlier entry's close must not cut the new one short.
func TestFromPathwayRelistedAfterRemovalCountsInPart2A(t *testing.T) {
	refer := pathway.Refer{PathwayID: "p", Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06")}
	s := fold(t, refer,
		pathway.AddToWaitingList{DecidedOn: d("2025-02-03"), ListType: "inpatient", Priority: "P3"},
		pathway.RemoveFromWaitingList{RemovedOn: d("2025-02-10"), Reason: "patient unfit for surgery"},
		pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
	ps := FromPathway(&s)
	require.Len(t, ps, 1)
	require.True(t, ps[0].HasDTA)
	require.Equal(t, d("2025-03-03"), ps[0].DTAFrom)
	require.False(t, ps[0].HasDTAUntil, "the current entry is open")
	require.Equal(t, 1, Compute(d("2025-03-31"), ps).IncompleteWithDTA.Total)
	require.Equal(t, 0, Compute(d("2025-02-28"), ps).IncompleteWithDTA.Total, "off the list at the end of February")
	require.Equal(t, 1, Compute(d("2025-02-05"), ps).IncompleteWithDTA.Total, "on the list then")
	require.Equal(t, []DTA{{d("2025-02-03"), d("2025-02-10")}}, ps[0].EarlierDTAs)
}
